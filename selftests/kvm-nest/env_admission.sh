#!/bin/sh
# Admission control at L0: two running level-1 dolls (guest_spin VMs A and
# B) and pending named envelopes share what this kernel may reserve (its
# online CPUs and its RAM). Over-commits are refused with the numbers and
# the parent (L0) named, and change nothing; dry runs check without
# changing; bad values are refused with a message naming the field; a
# limit under the reservation is refused. CPU lists name up to CPU 8191
# whatever L0 has: a 256-CPU list is parsed, sent and refused by L0 for
# the CPUs past its nr_cpu_ids; nestctl refuses what no kernel takes.
# Each refused change (not a dry run) is also an env-refused event on the
# events group: "nestctl monitor envelope", text and JSON, shows the doll
# (or the pending envelope's name), the envelope refused and the kernel's
# reason with the numbers the command's error gave.
# Admission below L1 is in env_depth.sh.
set -eu
. "$KN_TOP/selftests/kvm-nest/env_lib.sh"

env_require
tap_plan 56
env_agent_check

"$NC" -j monitor envelope >"$ENV_WORK/mon.json" 2>&1 &
mon_j=$!
"$NC" monitor envelope >"$ENV_WORK/mon.txt" 2>&1 &
mon_t=$!
ENV_KILL="$ENV_KILL $mon_j $mon_t"
# Joined once the monitor's socket is in a group (/proc/net/netlink).
for _m in $mon_j $mon_t; do
	for _ in $(seq 50); do
		awk -v pid="$_m" '$2 == 16 && $3 == pid && $4 != "00000000" { f = 1 } END { exit !f }' /proc/net/netlink && break
		sleep 0.2
	done
done

env_spin adm-a 600
a=$spin_id apid=$spin_pid
env_spin adm-b 600
b=$spin_id bpid=$spin_pid
tap_diag "dolls: A $a (pid $apid), B $b (pid $bpid)"

# What L0 may give: its CPUs (milli) and RAM (bytes).
"$NC" -j envelope show self >"$ENV_WORK/self.json" 2>&1 || true
capc=$(jq -r '.self.capacity.cpu * 1000 | round' "$ENV_WORK/self.json" 2>/dev/null || echo 0)
capm=$(jq -r '.self.capacity.mem' "$ENV_WORK/self.json" 2>/dev/null || echo 0)
tap_check "L0 capacity: $capc milli-CPUs ($(nproc) online), $capm bytes of RAM" \
	test "$capc" = "$(($(nproc) * 1000))" -a "$capm" -gt 0
r1=$((capc * 6 / 10)) r2=$((capc - capc * 6 / 10))
R1=$(fmt_milli $r1) R2=$(fmt_milli $r2)

# Reservations: A takes 60%, B asking the same does not fit.
env_set "$a" cpu.reserve "$R1"
tap_check "A's cpu_reserve reads $R1 ($(env_field "$a" cpu_reserve))" \
	in_range "$R1" "$(env_field "$a" cpu_reserve)" "$R1"
before=$(env_all)
bcg=$(cat /proc/$bpid/cgroup)
env_refused "B cpu.reserve $R1 over-commits L0" "L0;$(re_num "$R1");$(re_num "$R2")" \
	set "$b" cpu.reserve "$R1"
cp "$ENV_WORK/err" "$ENV_WORK/err.first"
tap_check "nothing changed: envelopes and reservations as before" test "$(env_all)" = "$before"
tap_check "nothing changed: B's VMM stays in its cgroup ($(cat /proc/$bpid/cgroup))" \
	test "$(cat /proc/$bpid/cgroup)" = "$bcg"

# Dry runs: what fits says so, what does not is refused the same way.
nc -j envelope set "$b" cpu.reserve "$R2" dry-run
tap_check "dry run of B cpu.reserve $R2 fits (exit $nc_rc, $(tr -d '\n' <"$ENV_WORK/out"))" \
	test "$nc_rc" = 0 -a "$(jq -r '.fits' "$ENV_WORK/out" 2>/dev/null)" = true
tap_check "the dry run changed nothing" test "$(env_all)" = "$before"
env_refused "dry run of B cpu.reserve $R1" "L0;$(re_num "$R1");$(re_num "$R2")" \
	set "$b" cpu.reserve "$R1" dry-run
tap_check "the refused dry run changed nothing" test "$(env_all)" = "$before"

# The same for RAM, in MiB.
# shellcheck disable=SC2017 # whole MiB first, as the refusal prints them
m1=$((capm / 1048576 * 6 / 10))
env_set "$a" mem.reserve "${m1}M"
before=$(env_all)
env_refused "B mem.reserve ${m1}M over-commits L0" "L0;$m1 ?MiB;fits" set "$b" mem.reserve "${m1}M"
tap_check "nothing changed after the RAM refusal" test "$(env_all)" = "$before"

# Limits: not above what L0 has; a reservation must stay under the limit.
big=$(fmt_milli $((capc + 1000)))
env_refused "A cpu.limit $big is more than L0 has" "L0;$(re_num "$(fmt_milli "$capc")")" set "$a" cpu.limit "$big"
low=$(fmt_milli $((r1 / 2)))
env_refused "A cpu.limit $low under its cpu.reserve $R1" "$(re_num "$R1");$(re_num "$low")" set "$a" cpu.limit "$low"
env_refused "A mem.limit under its mem.reserve ${m1}M" "mem.reserve;$m1 ?MiB" set "$a" mem.limit "$((m1 / 2))M"
env_refused "B cpu.reserve above cpu.limit in one command" "cpu.reserve;cpu.limit" \
	set "$b" cpu.limit 0.2 cpu.reserve 0.3
tap_check "nothing changed after the limit refusals" test "$(env_all)" = "$before"

# Bad values: each refused with a message that names the field.
for kv in "cpu.limit -1" "cpu.limit abc" "cpu.limit 0.0001" "cpu.reserve 1.2345" \
	"cpu.weight 0" "cpu.weight 10001" "cpus 8192" "cpus 3-1" "cpus x" \
	"mem.limit 1.5G" "mem.limit 12Q" "mem.reserve -5M"; do
	# shellcheck disable=SC2086 # key and value
	env_refused "bad value $kv" "${kv%% *}" set "$b" $kv
done
env_refused "cpus $(nproc) is not a CPU of L0" "L0;cpus" set "$b" cpus "$(nproc)"
# Any size up to CPU 8191: L0 (fewer than 256 CPUs here) names its limit.
ids=$(cat /sys/devices/system/cpu/possible)
ids=$((${ids##*-} + 1))
env_refused "cpus 0-255 on L0 with nr_cpu_ids $ids" "cpus name CPU 255; L0 has nr_cpu_ids $ids" \
	set "$b" cpus 0-255
env_refused "cpus 255,128-254,0-127 merged, the same refusal" "cpus name CPU 255; L0 has nr_cpu_ids $ids" \
	set "$b" cpus 255,128-254,0-127
env_refused "cpus 0-8191" "cpus name CPU 8191" set "$b" cpus 0-8191
odd=$(seq -s, 0 2 64)
env_refused "cpus of 33 ranges ($odd)" "cpus;33 ranges;at most 32" set "$b" cpus "$odd"
nc -j envelope set "$b" cpus 0-255 dry-run
tap_check "a dry run of cpus 0-255 is refused too (exit $nc_rc: $(nc_err))" test "$nc_rc" != 0
env_refused "no doll 4000000000" "doll" set 4000000000 cpu.limit 1
tap_check "nothing changed after the bad values" test "$(env_all)" = "$before"

# Pending envelopes of VMs not started yet count like dolls.
rest=$((capc - r1))
p1=$(fmt_milli $((rest / 2)))
env_set name adm-later cpu.reserve "$p1"
resv=$("$NC" -j envelope show self 2>/dev/null | jq -r '.self.reserved.cpu * 1000 | round' 2>/dev/null || echo -)
tap_check "L0 reserved $resv milli-CPUs: A's $r1 and pending adm-later's $((rest / 2))" \
	test "$resv" = $((r1 + rest / 2))
p2=$(fmt_milli $((rest - rest / 2 + 1)))
env_refused "pending adm-more cpu.reserve $p2 over-commits L0" "L0;$(re_num "$p2")" set name adm-more cpu.reserve "$p2"
cp "$ENV_WORK/err" "$ENV_WORK/err.pending"
env_refused "a pending envelope for the running adm-b" "adm-b" set name adm-b cpu.reserve 0.01
nc envelope del name adm-later
tap_check "envelope del name adm-later (exit $nc_rc $(nc_err))" test "$nc_rc" = 0
env_set "$b" cpu.reserve "$R2"
tap_check "B's cpu_reserve reads $R2, A and B fill L0" in_range "$R2" "$(env_field "$b" cpu_reserve)" "$R2"
env_set "$a" cpu.reserve 0
resv=$("$NC" -j envelope show self 2>/dev/null | jq -r '.self.reserved.cpu * 1000 | round' 2>/dev/null || echo -)
tap_check "A's reservation dropped: L0 reserved $resv = B's $r2" test "$resv" = "$r2"
tap_check "both dolls ran throughout" kill -0 $apid $bpid

# The monitors: every refusal above was sent when it happened.
sleep 1
kill $mon_j $mon_t
rj=0 rt=0
wait $mon_j || rj=$?
wait $mon_t || rt=$?
tap_diag "monitor envelope:" "$(grep '^\[env-refused\]' "$ENV_WORK/mon.txt" || true)"
# B's one change of cpu.reserve to $R1 (its dry run is no change).
jb=$(jq -c -s "[.[] | select(.event == \"env-refused\" and .id == $b and
	.envelope.cpu_reserve == ($R1 | tonumber))]" "$ENV_WORK/mon.json" 2>/dev/null || echo '[]')
why=$(echo "$jb" | jq -r '.[0].reason // ""')
has() { case $1 in *"$2"*) return 0 ;; esac; return 1; }
b_refused() {
	echo "$jb" | jq -e "length == 1 and (.[0] | .path == \"$b\" and .level == 1 and
		.pid == $bpid and .name == \"adm-b\" and .error == \"ENOSPC\")" >/dev/null &&
		has "$why" L0 && has "$why" "$R1" && has "$why" "$R2"
}
tap_check "monitor -j: one env-refused for B cpu.reserve $R1 (the dry run is none): doll $b, pid $bpid, adm-b, ENOSPC, with L0, $R1 and $R2 in its reason" \
	b_refused
tap_check "its reason is the one the command's error gave (${why:-none})" \
	eval '[ -n "$why" ] && grep -qF -- "$why" "$ENV_WORK/err.first"'
wp=$(jq -r -s "[.[] | select(.event == \"env-refused\" and .pending == true and .name == \"adm-more\" and
	(has(\"id\") | not) and .error == \"ENOSPC\" and .envelope.cpu_reserve == ($p2 | tonumber))][0].reason // \"\"" \
	"$ENV_WORK/mon.json" 2>/dev/null || true)
tap_check "monitor -j: env-refused of pending envelope adm-more, cpu.reserve $p2, the command's reason (${wp:-none})" \
	eval '[ -n "$wp" ] && has "$wp" "$p2" && grep -qF -- "$wp" "$ENV_WORK/err.pending"'
text_refused() {
	grep -F "[env-refused] doll $b path $b level 1 parent 0 pid $bpid name adm-b error ENOSPC cpu.limit " "$ENV_WORK/mon.txt" |
		grep -F " cpu.reserve $R1 " | grep -qF " reason $why" &&
		grep -F '[env-refused] pending adm-more error ENOSPC ' "$ENV_WORK/mon.txt" | grep -qF " reason $wp"
}
tap_check "monitor text: [env-refused] lines of doll $b and of pending adm-more, with their reasons" \
	text_refused
tap_check "monitors ended cleanly (exit $rj, $rt); text and JSON saw as many events" \
	test "$rj:$rt:$(wc -l <"$ENV_WORK/mon.json")" = "0:0:$(wc -l <"$ENV_WORK/mon.txt")"
env_log_check
tap_exit
