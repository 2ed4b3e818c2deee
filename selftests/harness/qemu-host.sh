#!/bin/bash
# qemu-host.sh [--kernel ALIAS] [--timeout S] [--mem M] -- COMMAND...
# SVM tier: boot the stock kernel ALIAS under QEMU TCG (-cpu max: AMD SVM),
# with the dev machine's / read-only over 9p, and run COMMAND in it through
# host-init.sh. Verdict and exit status: see lib/runner.sh.
set -eu
here=$(dirname "$0")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
RUN_DEFAULT_TIMEOUT=900 RUN_DEFAULT_MEM=4G
# shellcheck source=lib/runner.sh
. "$here/lib/runner.sh"
# All in main: bash then reads it whole, so editing this file while it
# runs cannot derail the running copy.
main() {
	kn_run_args "$@"

	# The 9p initramfs depends only on the kernel and two scripts: cache it.
	KN_INITRD=$KN_BUILD/harness/initramfs-$RUN_KERNEL.cpio.gz
	export KN_INITRD
	for dep in "$here/mkinitramfs.sh" "$here/initramfs-init.sh" "$KN_BUILD/kernels/$RUN_KERNEL/stamp"; do
		if [ ! -s "$KN_INITRD" ] || [ "$dep" -nt "$KN_INITRD" ]; then
			"$here/mkinitramfs.sh" "$RUN_KERNEL" "$KN_INITRD"
			break
		fi
	done

	kn_run_dir qemu
	tcg=tcg
	[ "${KN_SMP:-1}" = 1 ] || tcg=tcg,thread=single
	label="qemu $RUN_KERNEL"
	# One vCPU: on this 2-core machine TCG boots it to the test runner in 8 s
	# against 15 s with two, and two hosts (6.1, 6.12) can run side by side.
	# no_timer_check: on a loaded machine the IO-APIC timer check can miss
	# its ticks under TCG and panic the boot ("IO-APIC + timer doesn't work").
	# transparent_hugepage=never: zeroing a 2 MiB page is one stretch
	# without a reschedule; TCG on a loaded machine took 22 s for one
	# (a soft lockup in clear_page_erms while a doll faulted its memory in).
	# thread=single with more than one vCPU: QEMU 7.2's multi-threaded TCG
	# left both vCPUs of a stress host taking #BP at a static-key site in
	# __schedule for minutes after text_poke had written the JMP there (the
	# kernel's int3 handlers saw no int3 and retried): a stale translation.
	# Round-robin TCG keeps SMP interleavings without that bug.
	# monitor.sock: QEMU's monitor, to see a hung host's vCPUs (testing.rst,
	# "A hung host"); KN_QEMU_APPEND: more kernel parameters (nokaslr).
	kn_run_launch "$label" /dev/null \
		qemu-system-x86_64 -M q35 -cpu max -accel "$tcg" -smp "${KN_SMP:-1}" -m "$RUN_MEM" \
		-nographic -no-reboot -nodefaults \
		-serial "file:$RUN_DIR/console.log" -serial "file:$RUN_DIR/result.log" \
		-monitor "unix:$RUN_DIR/monitor.sock,server=on,wait=off" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-kernel "$RUN_VMLINUZ" -initrd "$KN_INITRD" \
		-append "console=ttyS0 panic=-1 oops=panic panic_on_warn=0 printk.time=1 no_timer_check transparent_hugepage=never ${KN_QEMU_APPEND:-} kn.init=$KN_TOP/selftests/harness/host-init.sh kn.run=$RUN_DIR/run.env"
	rc=0
	kn_run_verdict "$label" || rc=$?
	exit "$rc"
}
main "$@"
