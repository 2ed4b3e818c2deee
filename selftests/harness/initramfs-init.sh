#!/bin/sh
# /init of the harness initramfs (busybox). Two modes:
#  9p:    load the 9p stack, mount the dev machine's / read-only over 9p as
#         the new root, switch_root into it and run kn.init there;
#  embed: (Bochs, no virtio) everything is in this initramfs; run kn.init here.
# kn.init (the in-host init script) and kn.run (its run file) come from the
# kernel command line, or the run file from /kn/run.env in the initramfs;
# they are handed over as KN_INIT/KN_RUN.
PATH=/bin
export PATH

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
read -r KN_T_INIT _ </proc/uptime
echo "kn-initramfs: /init at ${KN_T_INIT}s"

KN_INIT='' KN_RUN='' KN_PAYLOAD=''
# shellcheck disable=SC2013 # the command line is words
for w in $(cat /proc/cmdline); do
	case $w in
	kn.init=*) KN_INIT=${w#kn.init=} ;;
	kn.run=*) KN_RUN=${w#kn.run=} ;;
	kn.payload=*) KN_PAYLOAD=${w#kn.payload=} ;;
	esac
done
# A run file inside the initramfs (appended cpio: dolls, Bochs) wins.
[ -f /kn/run.env ] && KN_RUN=/kn/run.env
export KN_T_INIT KN_INIT KN_RUN

# No result token is written here: a missing KN-END is the failure signal.
fatal() {
	echo "kn-initramfs: FATAL: $*"
	echo "KN-ERROR initramfs: $*" >/dev/ttyS1
	poweroff -f
	sleep 10
}

[ -n "$KN_INIT" ] || fatal "no kn.init= on the kernel command line"

if [ -e /kn/embedded ]; then
	mkdir -p /tmp /run /var/tmp
	[ -f "$KN_INIT" ] || fatal "kn.init=$KN_INIT is not in the initramfs"
	# kn.payload=LIST (bochs-host.sh, KN_BOCHS_DOLL=1): LIST names the
	# CD-ROM stack's modules in load order; the boot ISO's /kn-payload
	# tree is then linked into / file by file.
	if [ -n "$KN_PAYLOAD" ]; then
		while read -r m; do
			insmod "$m" || fatal "insmod $m failed"
		done <"$KN_PAYLOAD"
		mkdir -p /payload
		tries=0
		until mount -t iso9660 -o ro /dev/sr0 /payload 2>/dev/null; do
			tries=$((tries + 1))
			[ $tries -lt 100 ] || fatal "cannot mount the boot ISO (/dev/sr0)"
			sleep 0.2
		done
		(cd /payload/kn-payload && find . ! -type d) | while read -r f; do
			f=${f#.}
			mkdir -p "${f%/*}"
			ln -sf "/payload/kn-payload$f" "$f"
		done
		read -r t _ </proc/uptime
		echo "kn-initramfs: payload linked at ${t}s"
	fi
	exec /bin/sh "$KN_INIT"
fi

kver=$(uname -r)
while read -r m; do
	insmod "/lib/modules/$kver/$m" || fatal "insmod $m failed"
done </kn/modules

mkdir -p /newroot
# The virtio device may show up a moment after its driver loads.
tries=0
until mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /newroot; do
	tries=$((tries + 1))
	[ $tries -lt 50 ] || fatal "cannot mount 9p hostroot (is QEMU started with -virtfs ...mount_tag=hostroot?)"
	sleep 0.1
done
# A checkout under /tmp, /var/tmp or /run (CI may clone there) would be
# hidden by the tmpfs below: hold it aside and put it back on top.
top=${KN_INIT%/selftests/harness/*}
case $top in
/tmp/* | /var/tmp/* | /run/*)
	mkdir -p /kn-top
	mount --bind "/newroot$top" /kn-top || fatal "bind $top aside"
	;;
*) top= ;;
esac
for d in tmp var/tmp; do
	mount -t tmpfs -o mode=1777 tmpfs "/newroot/$d" || fatal "tmpfs on /$d"
done
mount -t tmpfs -o mode=755 tmpfs /newroot/run || fatal "tmpfs on /run"
if [ -n "$top" ]; then
	mkdir -p "/newroot$top"
	mount --move /kn-top "/newroot$top" || fatal "put $top back"
fi
if [ "$KN_RUN" = /kn/run.env ]; then
	cp /kn/run.env /newroot/run/kn.run.env
	KN_RUN=/run/kn.run.env
fi
[ -f "/newroot$KN_INIT" ] || fatal "kn.init=$KN_INIT not found on the host root"
for d in proc sys dev; do
	mount --move "/$d" "/newroot/$d" || fatal "move /$d"
done
exec switch_root /newroot /bin/sh "$KN_INIT"
