#!/bin/sh
# Inside env_fit.sh's L1 doll: turns kvm-nest's fit mode on and prints a
# line whenever what the doll sees changes:
#   kn-fit online=<CPU list> limit=<cpu.limit> max=<cpu.max> fit=<Y|N>
# Two steps cannot be taken from L0, so the doll's cpu.limit asks for
# them: at 0.900 it turns fit mode off, at 0.800 on again; at 0.700 it
# unloads kvm-nest and prints, and ends:
#   kn-fit-gone rmmod=<rc> online=<CPU list> bad=<kernel log problems>
P=/sys/module/kvm_nest/parameters/fit_cpus
E=/sys/kernel/kvm_nest/envelope
ONLINE=/sys/devices/system/cpu/online

echo 1 >$P || { echo "kn-fit-error cannot write $P"; exit 1; }
last=
while :; do
	lim=$(cat $E/cpu.limit)
	case $lim in
	0.900) [ "$(cat $P)" = N ] || echo 0 >$P ;;
	0.800) [ "$(cat $P)" = Y ] || echo 1 >$P ;;
	0.700)
		rc=0
		rmmod kvm_nest || rc=$?
		bad=$(dmesg | grep -cE 'WARNING:|BUG:|Call Trace|fit: cannot')
		echo "kn-fit-gone rmmod=$rc online=$(cat $ONLINE) bad=$bad"
		exit 0
		;;
	esac
	cur="online=$(cat $ONLINE) limit=$lim max=$(cat $E/cpu.max) fit=$(cat $P)"
	[ "$cur" = "$last" ] || echo "kn-fit $cur"
	last=$cur
	sleep 0.5
done
