#!/usr/bin/python3
# qmp.py SOCKET COMMAND [ARGUMENTS-JSON]: run one QMP command on a QEMU's
# QMP socket (l1-doll.sh puts it at DIR/qmp.sock) and print its "return"
# as JSON on one line. An error reply prints "qmp: CLASS: DESC" on stderr
# and exits 1; no socket, a bad argument or no answer in 10 s exits 2.
import json
import socket
import sys


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: qmp.py SOCKET COMMAND [ARGUMENTS-JSON]")
    try:
        args = json.loads(sys.argv[3]) if len(sys.argv) == 4 else None
    except ValueError as e:
        print(f"qmp: arguments are not JSON: {e}", file=sys.stderr)
        sys.exit(2)
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(sys.argv[1])
        f = s.makefile("rw")
        json.loads(f.readline())  # the greeting
        reply = None
        for cmd, a in (("qmp_capabilities", None), (sys.argv[2], args)):
            msg = {"execute": cmd}
            if a is not None:
                msg["arguments"] = a
            f.write(json.dumps(msg) + "\n")
            f.flush()
            # Events may come before the reply: skip them.
            while True:
                reply = json.loads(f.readline())
                if "return" in reply or "error" in reply:
                    break
            if "error" in reply:
                break
    except (OSError, ValueError) as e:
        print(f"qmp: {sys.argv[1]}: {e}", file=sys.stderr)
        sys.exit(2)
    if "error" in reply:
        err = reply["error"]
        print(f"qmp: {err.get('class')}: {err.get('desc')}", file=sys.stderr)
        sys.exit(1)
    print(json.dumps(reply["return"]))


main()
