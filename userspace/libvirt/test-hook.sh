#!/bin/sh
# test-hook.sh: unit test of the libvirt hook (userspace/libvirt/kvm-nest) on
# the development machine, without libvirt or the module: a fake nestctl
# records its arguments and answers as told. TAP 13; exit 0 pass, 1 fail.
# The real flow (libvirtd, the kernel) is selftests/kvm-nest/env_libvirt.sh.
set -u
here=$(cd "$(dirname "$0")" && pwd)
HOOK=$here/kvm-nest
w=$(mktemp -d /tmp/kn-hook.XXXXXX)
trap 'rm -rf "$w"' EXIT

# The fake: appends "nestctl ARGS" to $w/calls; FAKE_RC and FAKE_ERR say
# how it answers.
cat >"$w/nestctl" <<'EOF'
#!/bin/sh
echo "nestctl $*" >>"${FAKE_DIR:?}/calls"
[ -z "${FAKE_ERR:-}" ] || echo "$FAKE_ERR" >&2
exit "${FAKE_RC:-0}"
EOF
chmod +x "$w/nestctl"
mkdir "$w/run"
chmod 755 "$w/run"
export FAKE_DIR="$w" KVM_NEST_NESTCTL="$w/nestctl" KVM_NEST_LIBVIRT_RUN="$w/run"
# Run as libvirtd runs it: by its #! line.
[ -x /usr/bin/python3 ] || { echo "1..0 # SKIP no /usr/bin/python3 (the hook's interpreter)"; exit 4; }

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }
check() { _d=$1; shift; if "$@"; then ok "$_d"; else nok "$_d"; fi; }

U=6f1d0c4e-2b7a-4c1e-9d3f-0a5b7c9e1f23
# dom NAME [METADATA]: a domain XML (uuid $U) with that <metadata> content.
dom() {
	printf '<domain type="kvm"><name>%s</name><uuid>%s</uuid><metadata>%s</metadata>' "$1" "$U" "${2:-}"
	printf '<memory unit="MiB">256</memory><os><type>hvm</type></os></domain>\n'
}
NSA='xmlns:kvmnest="https://kvm-nest.org/xmlns/libvirt/1.0"'
NS_OLD=https://kvm-nest.example/envelope/1

# hook XML ARGS...: run the hook; rc, stdout, stderr and calls in $w.
hook() {
	_x=$1
	shift
	: >"$w/calls"
	rc=0
	printf '%s' "$_x" | "$HOOK" "$@" >"$w/out" 2>"$w/err" || rc=$?
}
calls() { cat "$w/calls"; }

echo "TAP version 13"
echo "1..42"

x=$(dom vm1 "<kvmnest:envelope $NSA cpu.limit=\"1.5\" cpu.reserve=\"0.25\" cpu.weight=\"200\" cpus=\"0-1\" mem.limit=\"512M\" mem.reserve=\"128M\"/>")
hook "$x" vm1 prepare begin -
check "prepare: exit 0" test "$rc" = 0
check "prepare: one set, bound to the domain's uuid, with every field" test "$(calls)" = \
	"nestctl envelope set name vm1 uuid $U cpu.limit 1.5 cpu.reserve 0.25 cpu.weight 200 cpus 0-1 mem.limit 512M mem.reserve 128M"
check "prepare: nothing on stdout (libvirt may read it as XML)" test ! -s "$w/out"

hook "$x" vm1 release end -
check "release: envelope del name vm1 uuid" test "$(calls)" = "nestctl envelope del name vm1 uuid $U"

# started begin: libvirt started the domain's QEMU and wrote its pid file.
echo 4242 >"$w/run/vm1.pid"
hook "$x" vm1 started begin -
check "started: binds the envelope to the pid in libvirt's pid file" \
	test "$rc:$(calls)" = "0:nestctl envelope set name vm1 uuid $U pid 4242"
FAKE_RC=1 FAKE_ERR="Error: no process 4242" hook "$x" vm1 started begin -
check "started: a refused bind: exit 1, nestctl's reason" \
	sh -c "[ $rc = 1 ] && grep -q 'not bound to its QEMU, pid 4242' '$w/err' && grep -q 'no process 4242' '$w/err'"
rm "$w/run/vm1.pid"
hook "$x" vm1 started begin -
check "started: no pid file: exit 1, no call" \
	sh -c "[ $rc = 1 ] && grep -q \"pid file\" '$w/err' && [ ! -s '$w/calls' ]"
echo 4242 >"$w/run/vm1.pid"
chmod 666 "$w/run/vm1.pid"
hook "$x" vm1 started begin -
check "started: a pid file others may write is not libvirt's: exit 1, no call" \
	sh -c "[ $rc = 1 ] && grep -q \"not libvirt's pid file\" '$w/err' && [ ! -s '$w/calls' ]"
rm "$w/run/vm1.pid"

for op in "start begin" "stopped end" "reconnect begin" "migrate begin"; do
	# shellcheck disable=SC2086 # two words on purpose
	hook "$x" vm1 $op -
	if [ "$rc" != 0 ] || [ -s "$w/calls" ]; then break; fi
done
check "start, stopped, reconnect, migrate: no nestctl call" test "$rc" = 0 -a ! -s "$w/calls"

x=$(dom vm2 "<other xmlns=\"urn:x\"/>")
hook "$x" vm2 prepare begin -
check "no envelope in <metadata>: no call, exit 0" test "$rc" = 0 -a ! -s "$w/calls"

x=$(dom vm3 "<e:envelope xmlns:e=\"https://kvm-nest.org/xmlns/libvirt/1.0\" mem.limit=\"1G\"/>")
hook "$x" vm3 prepare begin -
check "any prefix for the namespace" test "$(calls)" = "nestctl envelope set name vm3 uuid $U mem.limit 1G"

x=$(dom vm3 "<old:envelope xmlns:old=\"$NS_OLD\" cpu.limit=\"2\"/>")
hook "$x" vm3 prepare begin -
check "the old namespace is still read" test "$(calls)" = "nestctl envelope set name vm3 uuid $U cpu.limit 2"

x=$(printf '<domain><name>vm9</name><metadata><kvmnest:envelope %s mem.limit="1G"/></metadata></domain>' "$NSA")
hook "$x" vm9 prepare begin -
check "no <uuid>: prepare refused, no call" sh -c "[ $rc = 1 ] && grep -q 'no <uuid>' '$w/err' && [ ! -s '$w/calls' ]"

x=$(dom vm4 "<kvmnest:envelope $NSA cpu.limt=\"1\"/>")
hook "$x" vm4 prepare begin -
check "unknown attribute: exit 1, named, no call" \
	sh -c "[ $rc = 1 ] && grep -q \"cpu.limt\" '$w/err' && [ ! -s '$w/calls' ]"

x=$(dom vm5 "<kvmnest:envelope $NSA mem.limit=\"512MB\"/>")
hook "$x" vm5 prepare begin -
check "bad value: exit 1, names attribute and what it wants" \
	sh -c "[ $rc = 1 ] && grep -q 'mem.limit=\"512MB\": want bytes' '$w/err'"

x=$(dom vm6 "<kvmnest:envelope $NSA cpu.reserve=\"3\"/>")
FAKE_RC=1 FAKE_ERR="Error: reservation does not fit: 3.000 CPUs asked, 1.750 free" hook "$x" vm6 prepare begin -
check "kernel refusal: exit 1" test "$rc" = 1
check "kernel refusal: nestctl's reason on stderr" grep -q "3.000 CPUs asked, 1.750 free" "$w/err"
check "kernel refusal: names the domain" grep -q "domain 'vm6' refused" "$w/err"

FAKE_RC=1 FAKE_ERR="Error: no pending envelope" hook "$x" vm6 release end -
check "release whose del fails: exit 0, says why" sh -c "[ $rc = 0 ] && grep -q 'ignored' '$w/err'"

# The hook's #! names python3 by absolute path: PATH only hides nestctl.
(
	KVM_NEST_NESTCTL=''
	# shellcheck disable=SC2123 # hiding nestctl is the point
	PATH=/nonexistent
	hook "$x" vm6 prepare begin -
	echo "$rc" >"$w/rc"
)
rc=$(cat "$w/rc")
check "no nestctl: prepare refused with what to install" \
	sh -c "[ $rc = 1 ] && grep -q 'nestctl not found' '$w/err'"

hook "not xml" vm7 prepare begin -
check "unparsable XML: prepare refused" test "$rc" = 1

x=$(dom vm8 "<kvmnest:envelope $NSA/><kvmnest:envelope $NSA/>")
hook "$x" vm8 prepare begin -
check "two envelopes: refused" sh -c "[ $rc = 1 ] && grep -q 'keep one' '$w/err'"

# Sizes: the hook takes what nestctl's parser (nc_parse_size) takes, and
# refuses what it refuses. nestctl (KVM_NEST_TEST_NESTCTL, default the
# tree's build) runs with dry-run: exit 2 is its parser's refusal, 0 or 1
# (no module here, or admission) means the value was taken.
NESTCTL=${KVM_NEST_TEST_NESTCTL:-$here/../../build/nestctl/nestctl}
for v in y:512M y:512MiB y:2GiB y:2g y:1TiB y:64KiB y:4096 y:512miB y:max \
	n:512MB n:2Gi n:2GIB n:2gib n:1.5GiB n:2PiB n:GiB n:-1G n:2iB; do
	want=${v%%:*} v=${v#*:}
	hook "$(dom vms "<kvmnest:envelope $NSA mem.limit=\"$v\"/>")" vms prepare begin -
	hook_rc=$rc
	if [ ! -x "$NESTCTL" ]; then
		ok "# SKIP size $v: no nestctl at $NESTCTL (make -C userspace/nestctl)"
		continue
	fi
	nc_rc=0
	"$NESTCTL" envelope set name vms uuid "$U" mem.limit "$v" dry-run >/dev/null 2>&1 || nc_rc=$?
	if [ "$want" = y ]; then
		check "size $v: the hook passes it on, nestctl parses it ($hook_rc, $nc_rc)" \
			sh -c "[ $hook_rc = 0 ] && [ $nc_rc != 2 ]"
	else
		check "size $v: the hook and nestctl both refuse it ($hook_rc, $nc_rc)" \
			sh -c "[ $hook_rc = 1 ] && [ $nc_rc = 2 ]"
	fi
done

# CPU lists of any size go to nestctl as written; it parses them (up to
# CPU 8191) and the kernel checks them against its CPUs.
x=$(dom vm9 "<kvmnest:envelope $NSA cpus=\"0-3,128-255,4096\"/>")
hook "$x" vm9 prepare begin -
check "a 256-CPU list is handed on as written" test "$rc:$(calls)" = \
	"0:nestctl envelope set name vm9 uuid $U cpus 0-3,128-255,4096"

x=$(dom vm8 "<kvmnest:envelope $NSA/><old:envelope xmlns:old=\"$NS_OLD\"/>")
hook "$x" vm8 prepare begin -
check "one in each namespace: refused" sh -c "[ $rc = 1 ] && grep -q 'keep one' '$w/err' && [ ! -s '$w/calls' ]"

echo "# Totals: pass:$((n - failed)) fail:$failed xfail:0 xpass:0 skip:0 error:0"
[ "$failed" = 0 ]
