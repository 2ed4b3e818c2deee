#!/bin/sh
# overhead.sh: what loading kvm-nest costs an exit it does not accelerate
# (bench.rst, "The overhead row"). In this emulated host, for
# KN_BENCH_OVERHEAD_ROUNDS rounds, the same L1 ops (KN_BENCH_OVERHEAD_OPS;
# KN_BENCH_OVERHEAD_REPS repetitions of loops of KN_BENCH_OVERHEAD_MS)
# in a fresh VM in each of three states, in a random order per round:
#   unloaded  kvm-nest not loaded (rmmod)
#   accel0    loaded, accel=0 (the bench's "stock")
#   accel1    loaded, accel=1
#   base0     with KN_BENCH_OVERHEAD_BASE set: another build of kvm-nest
#             ($KN_BENCH_OVERHEAD_BASE/<kernel>/kvm-nest/kvm-nest.ko, the
#             layout of build/mod), loaded at accel=0: a change's before
#             and after, side by side in one host
# The order comes from KN_BENCH_OVERHEAD_SEED (printed). Prints one
# KNB-OVERHEAD line, then the KNB lines of stack "overhead" with their
# round. kvm-nest is loaded again, with accel 0, however this ends.
set -eu
# shellcheck source=lib.sh
. "$KN_TOP/selftests/bench/lib.sh"
# shellcheck source=../harness/lib/kmod.sh
. "$KN_TOP/selftests/harness/lib/kmod.sh"
# shellcheck source=../harness/lib/agent.sh
. "$KN_TOP/selftests/harness/lib/agent.sh"

rounds=${KN_BENCH_OVERHEAD_ROUNDS:-5}
ops=${KN_BENCH_OVERHEAD_OPS:-cpuid,rdmsr,hcall}
seed=${KN_BENCH_OVERHEAD_SEED:-$(date +%s)}
# Short loops, many of them: on a loaded machine a 100 ms loop is rarely
# clean, and the row wants each state's undisturbed cost (bench.rst).
target=${KN_BENCH_OVERHEAD_MS:-20}
reps=${KN_BENCH_OVERHEAD_REPS:-9}
work=$(mktemp -d /tmp/knb-overhead.XXXXXX)
states="unloaded accel0 accel1"
base='' build=ours
if [ -n "${KN_BENCH_OVERHEAD_BASE:-}" ]; then
	base=$KN_BENCH_OVERHEAD_BASE/$KN_KERNEL/kvm-nest/kvm-nest.ko
	[ -f "$base" ] || knb_die "overhead: KN_BENCH_OVERHEAD_BASE: no $base (build it with make modules-all in that tree)"
	states="$states base0"
fi

restore() {
	[ "$build" != base ] || kn_unload_nest || true
	kn_load_nest >/dev/null 2>&1 || echo "bench: error: overhead: cannot load kvm-nest again" >&2
	[ ! -e "$KNB_KNOB" ] || echo 0 >"$KNB_KNOB" || true
	[ -z "$agent" ] || kn_agent_start || echo "bench: overhead: the envelope agent did not restart" >&2
	rm -rf "$work"
}
agent=
trap restore EXIT
trap 'exit 1' INT TERM
# Unloading kvm-nest ends the envelope agent: stop it for every state
# alike (a loaded state would otherwise have it or not by chance of the
# order), and start it again at the end.
if agent=$(kn_agent_pid); then
	kill "$agent"
	i=0
	while kill -0 "$agent" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || knb_die "overhead: the envelope agent ($agent) did not stop"
		sleep 0.1
	done
fi

# One line per round: the states, shuffled (Fisher-Yates).
awk -v seed="$seed" -v n="$rounds" -v states="$states" 'BEGIN {
	srand(seed)
	k = split(states, st, " ")
	for (r = 0; r < n; r++) {
		for (i = 1; i <= k; i++) s[i - 1] = st[i]
		for (i = k - 1; i > 0; i--) {
			j = int(rand() * (i + 1)); t = s[i]; s[i] = s[j]; s[j] = t
		}
		line = s[0]
		for (i = 1; i < k; i++) line = line " " s[i]
		print line
	}
}' >"$work/order"
printf 'KNB-OVERHEAD {"seed":%s,"rounds":%s,"reps":%s,"target_ms":%s,"ops":"%s","base":"%s","order":[%s]}\n' \
	"$seed" "$rounds" "$reps" "$target" "$ops" "$base" \
	"$(awk '{ printf "%s[", (NR > 1 ? "," : ""); for (i = 1; i <= NF; i++) printf "%s\"%s\"", (i > 1 ? "," : ""), $i; printf "]" }' "$work/order")"
echo "bench: overhead: $rounds rounds of $states, seed $seed" >&2

# state <name>: put kvm-nest in that state. $build names the build loaded
# (ours or base), so that a switch between the two reloads.
state() {
	case $1 in
	unloaded)
		kn_unload_nest || knb_die "overhead: rmmod kvm_nest failed"
		! kn_loaded kvm_nest || knb_die "overhead: kvm-nest still loaded"
		;;
	accel0 | accel1)
		[ "$build" != base ] || kn_unload_nest || knb_die "overhead: rmmod kvm_nest (base) failed"
		build=ours
		kn_load_nest || knb_die "overhead: insmod $KN_MODULE failed"
		echo "${1#accel}" >"$KNB_KNOB" || knb_die "overhead: cannot write $KNB_KNOB"
		;;
	base0)
		kn_unload_nest || knb_die "overhead: rmmod kvm_nest failed"
		build=base
		insmod "$base" || knb_die "overhead: insmod $base failed"
		echo 0 >"$KNB_KNOB" || knb_die "overhead: cannot write $KNB_KNOB"
		;;
	esac
}

# snap <file>: kvm-nest's hook calls and exits so far (loaded states only).
snap() {
	cat /sys/kernel/debug/kvm_nest/hooks /sys/kernel/debug/kvm_nest/levels >"$1"
}

# hooks <round> <state>: which of kvm-nest's hooks ran in that VM's life, and
# how often, against the exits kvm-nest saw meanwhile (KNB-HOOKS, bench.rst).
hooks() {
	awk -v r="$1" -v s="$2" '
	function kv(   i, p) { split("", f); for (i = 1; i <= NF; i++) { p = index($i, "="); if (p) f[substr($i, 1, p - 1)] = substr($i, p + 1) } }
	{ kv() }
	$1 == "hook" { c[f["name"]] += (FILENAME ~ /1$/ ? 1 : -1) * f["calls"]; if (!(f["name"] in seen)) { seen[f["name"]] = 1; names[++n] = f["name"] } }
	/^level=1 / { x += (FILENAME ~ /1$/ ? 1 : -1) * f["exits"] }
	END {
		printf "KNB-HOOKS {\"round\":%d,\"config\":\"%s\",\"exits\":%d,\"calls\":{", r, s, x
		k = 0
		for (i = 1; i <= n; i++)
			if (c[names[i]]) printf "%s\"%s\":%d", (k++ ? "," : ""), names[i], c[names[i]]
		print "}}"
	}' "$work/hooks0" "$work/hooks1"
}

r=0
while read -r line; do
	for s in $line; do
		state "$s"
		[ "$s" = unloaded ] || snap "$work/hooks0"
		"$KNB_BIN" run -l 1 -s overhead -c "$s" -r "$reps" -o "$ops" -t "$target" \
			--hlt-us "${KN_BENCH_HLT_US_L1:-1000}" </dev/null >"$work/out" ||
			knb_die "overhead: kn-bench run in state $s failed"
		sed "s/^KNB {/KNB {\"round\":$r,/" "$work/out"
		[ "$s" = unloaded ] || { snap "$work/hooks1" && hooks "$r" "$s"; }
	done
	r=$((r + 1))
done <"$work/order"
