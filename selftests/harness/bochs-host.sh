#!/bin/bash
# bochs-host.sh [--kernel 6.1] [--timeout S] [--mem M] -- COMMAND...
# VMX tier: boot the stock kernel under Bochs (Intel VMX with EPT and shadow
# VMCS) from a grub-mkrescue ISO. Bochs has no virtio, so the initramfs
# embeds what the tests need: the KVM modules, kvm-nest.ko, the test
# binaries and scripts, at their usual paths. Slow (~50 MIPS): a separate
# tier. Verdict and exit status as qemu-host.sh (lib/runner.sh).
set -eu
here=$(dirname "$0")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
RUN_DEFAULT_TIMEOUT=3600 RUN_DEFAULT_MEM=1G
# A Linux doll (KN_BOCHS_DOLL=1) takes 1G of its own.
[ "${KN_BOCHS_DOLL:-0}" != 1 ] || RUN_DEFAULT_MEM=2G
# shellcheck source=lib/runner.sh
. "$here/lib/runner.sh"
# All in main: bash then reads it whole, so editing this file while it
# runs cannot derail the running copy.
main() {
	kn_run_args "$@"
	for t in bochs grub-mkrescue xorriso mformat; do
		command -v $t >/dev/null || kn_die "$t missing: run scripts/deps.sh"
	done
	kn_run_dir bochs

	# What the embedded host needs, at the paths host-init.sh and the tests use.
	moddir=$RUN_ROOT/lib/modules/$RUN_KVER
	emb=("$moddir/modules.order" "$moddir/modules.builtin")
	for m in irqbypass kvm kvm-intel; do
		p=$(grep -E "/$m\.ko\$" "$moddir/modules.order") || kn_die "$m not in $moddir/modules.order"
		emb+=("$moddir/$p")
	done
	module=${KN_MODULE:-$KN_BUILD/mod/$RUN_KERNEL/kvm-nest/kvm-nest.ko}
	[ ! -f "$module" ] || emb+=("$module")
	emb+=("$KN_TOP/selftests/run-tests.sh" "$KN_TOP/selftests/kvm-nest"
		"$KN_TOP/selftests/harness/host-init.sh" "$KN_TOP/selftests/harness/lib")
	if [ -d "$KN_BUILD/selftests" ]; then
		while IFS= read -r f; do emb+=("$f"); done < <(find "$KN_BUILD/selftests" -maxdepth 1 -type f -perm -u+x)
	fi
	iso=$RUN_DIR/iso
	mkdir -p "$iso/boot/grub"
	# KN_BOCHS_DOLL=1: what an L1 Linux doll needs (l1-doll.sh: QEMU, its
	# libraries and firmware, the doll's kernel and 9p initramfs; jq and
	# nestctl for the tests) goes on the boot ISO itself under /kn-payload,
	# at its absolute path. The host's /init loads the CD-ROM stack, mounts
	# the ISO and links each file into / (kn.payload=, initramfs-init.sh):
	# read on demand over ATAPI instead of inflated up front with the
	# initramfs.
	payload=
	if [ "${KN_BOCHS_DOLL:-0}" = 1 ]; then
		payload=$RUN_DIR/payload.modules
		: >"$payload"
		for m in scsi_common scsi_mod libata ata_piix cdrom sr_mod isofs; do
			p=$(grep -E "/${m//_/[-_]}\.ko\$" "$moddir/modules.order") || kn_die "$m not in $moddir/modules.order"
			emb+=("$moddir/$p")
			echo "$moddir/$p" >>"$payload"
		done
		emb+=("$payload" "$here/l1-doll.sh")
		dinitrd=$KN_BUILD/harness/initramfs-$RUN_KERNEL.cpio.gz
		for dep in "$here/mkinitramfs.sh" "$here/initramfs-init.sh" "$KN_BUILD/kernels/$RUN_KERNEL/stamp"; do
			if [ ! -s "$dinitrd" ] || [ "$dep" -nt "$dinitrd" ]; then
				"$here/mkinitramfs.sh" "$RUN_KERNEL" "$dinitrd"
				break
			fi
		done
		nc=${KN_NESTCTL:-$KN_BUILD/nestctl/nestctl}
		files=("$dinitrd" "$RUN_VMLINUZ" /usr/share/seabios/bios-256k.bin
			/usr/share/qemu/linuxboot_dma.bin /usr/share/qemu/kvmvapic.bin)
		bins=("$(command -v qemu-system-x86_64)" "$(command -v jq)")
		[ ! -x "$nc" ] || bins+=("$nc")
		files+=("${bins[@]}")
		while IFS= read -r f; do files+=("$f"); done < <(ldd "${bins[@]}" |
			sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' | sort -u)
		for f in "${files[@]}"; do
			[ -e "$f" ] || kn_die "doll payload: $f missing"
			mkdir -p "$iso/kn-payload${f%/*}"
			cp -L "$f" "$iso/kn-payload$f"
		done
		kn_log "doll payload: ${#files[@]} files, $(du -sh "$iso/kn-payload" | cut -f1)"
	fi
	args=()
	for p in "${emb[@]}"; do args+=(--embed "$p"); done
	# tigerlake, as Bochs 2.7 models it, trips two kernel WARNs that are not
	# ours: its CPUID says HT with fewer logical CPUs in leaf 1 than cores in
	# leaf 4 (6.12's parse_legacy), and 6.12.117's ITS mitigation makes module
	# text writable+executable (a CPA W^X WARN at the first insmod).
	append=
	[ "${KN_BOCHS_CPU:-}" != tigerlake ] || append="clearcpuid=ht indirect_target_selection=off"
	"$here/mkinitramfs.sh" "$RUN_KERNEL" "$iso/boot/initrd.gz" "${args[@]}" --run "$RUN_DIR/run.env"
	cp "$RUN_VMLINUZ" "$iso/boot/vmlinuz"
	# noxsave: Bochs's XSAVE area sizes are inconsistent for this CPU model and
	# the kernel WARNs at boot ("XSAVE consistency problem"); FXSAVE avoids it.
	cat >"$iso/boot/grub/grub.cfg" <<-EOC
		serial --unit=0 --speed=115200
		terminal_input serial console
		terminal_output serial console
		set timeout=0
		menuentry kvm-nest {
		  linux /boot/vmlinuz console=ttyS0,115200 rdinit=/init noxsave panic=-1 oops=panic panic_on_warn=0 printk.time=1 $append${payload:+ kn.payload=$payload} kn.init=$KN_TOP/selftests/harness/host-init.sh
		  initrd /boot/initrd.gz
		}
	EOC
	grub-mkrescue -o "$RUN_DIR/boot.iso" "$iso" >"$RUN_DIR/grub-mkrescue.log" 2>&1 ||
		{ cat "$RUN_DIR/grub-mkrescue.log" >&2; kn_die "grub-mkrescue failed"; }

	# corei7_skylake_x: VMX with EPT, VPID, unrestricted guest, shadow VMCS and
	# the GenuineIntel vendor string kvm_intel insists on. KN_BOCHS_CPU=tigerlake
	# adds CET, so a kernel with CONFIG_X86_KERNEL_IBT enforces IBT (the IBT tier).
	cpu=${KN_BOCHS_CPU:-corei7_skylake_x}
	cat >"$RUN_DIR/bochsrc" <<-EOC
		megs: $RUN_MEM_MB
		romimage: file=/usr/share/bochs/BIOS-bochs-latest
		vgaromimage: file=/usr/share/vgabios/vgabios.bin
		cpu: model=$cpu, count=1, ips=50000000, reset_on_triple_fault=0
		ata0-master: type=cdrom, path="$RUN_DIR/boot.iso", status=inserted
		boot: cdrom
		com1: enabled=1, mode=file, dev="$RUN_DIR/console.log"
		com2: enabled=1, mode=file, dev="$RUN_DIR/result.log"
		display_library: rfb, options="timeout=0"
		clock: sync=none
		panic: action=fatal
		sound: driver=dummy
		log: "$RUN_DIR/bochs.log"
	EOC
	# Its built-in debugger reads stdin: "c" continues; EOF would quit at once.
	echo c >"$RUN_DIR/bochs.stdin"
	label="bochs $RUN_KERNEL"
	# poweroff -f makes Bochs exit 1: only the serial files are judged.
	kn_run_launch "$label" "$RUN_DIR/bochs.stdin" bochs -q -f "$RUN_DIR/bochsrc"
	rc=0
	kn_run_verdict "$label" || rc=$?
	exit "$rc"
}
main "$@"
