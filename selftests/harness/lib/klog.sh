# shellcheck shell=sh
# Kernel log checks for the in-host runner and tests (POSIX sh, sourced).

# kn_mark <tag>: write a marker line into the kernel log.
kn_mark() { echo "kn-mark: $1" >/dev/kmsg; }

# kn_log_since <tag>: kernel log after the marker; the whole log if the
# marker has scrolled out, so a check never passes by losing lines.
kn_log_since() {
	_log=$(dmesg)
	if printf '%s\n' "$_log" | grep -q "kn-mark: $1\$"; then
		printf '%s\n' "$_log" | sed -n "/kn-mark: $1\$/,\$p" | sed 1d
	else
		printf '%s\n' "$_log"
	fi
}

# Filter: the kernel problem lines of a log on stdin. A WARN() prints
# "WARNING: CPU: n PID: n at ..."; plain pr_warn texts (RETBleed: WARNING:
# ...) are not problems.
kn_log_bad() { grep -E 'WARNING: CPU:|BUG:|Oops|Call Trace|Kernel panic|general protection fault'; }

# Kernel problems on a serial console capture (ERE): the words right after
# a kernel "[ seconds] " stamp, which may land mid-line when userspace was
# writing. A test echoing these words without the stamp cannot trip it.
# Shared by the runners and l1-doll.sh.
# shellcheck disable=SC2034 # used by the scripts that source this
KN_BAD_CONSOLE='\[ *[0-9]+\.[0-9]+\] (Kernel panic|BUG:|Oops|WARNING: CPU:|Call Trace)'
