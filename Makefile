# SPDX-License-Identifier: GPL-2.0-only
# kvm-nest: build, install, test and demo.  Kbuild reads ./Kbuild; this file
# is for people, DKMS and CI.
#
#   make                    module for the running kernel (or KVER=, KDIR=)
#   make KN_KERNEL=6.1      module for a pinned Debian kernel (see kernels.mk)
#   make modules-all        ... for every pinned kernel, W=1, warnings fatal
#   make install | dkms-install   module, and its modprobe.d/modules-load.d files
#   make deb                packages kvm-nest-dkms and nestctl in build/deb/
#   make unit               unit tests of pure functions, in userspace (seconds)
#   make check [TIER=commit|svm|vmx|ibt|all]   every test, in emulated hosts
#   make stress             netlink/channel fuzzing, VM churn, module cycles (hours)
#   make demo               an emulated host with an L1 doll running an L2 doll
#   make bench              nested exit cost per level, stock vs kvm-nest
#   make bench-fit          fit mode: a 4-vCPU doll at cpu.limit 0.5, off vs on
#   make bench-doc          the last bench's table and plot into Documentation/bench/
#   make lint               include graph, checkpatch, sparse on every pinned kernel
#   make include-graph      kvm-nest/'s #include graph; fails if kvm/ is no leaf
#   make clean

TOP := $(CURDIR)
include $(TOP)/kernels.mk

VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(TOP)/dkms.conf)
KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
BUILD := $(TOP)/build

# A pinned kernel: fetched into build/kernels/<alias>, built in build/mod/<alias>.
ifneq ($(KN_KERNEL),)
kn_kver := $(KN_KVER_$(KN_KERNEL))
ifeq ($(kn_kver),)
$(error KN_KERNEL=$(KN_KERNEL) is not pinned in kernels.mk; use one of: $(KN_KERNELS))
endif
kn_root := $(BUILD)/kernels/$(KN_KERNEL)/root
KDIR := $(kn_root)/usr/src/linux-headers-$(kn_kver)
MDIR := $(BUILD)/mod/$(KN_KERNEL)
KN_MAKE_VARS := KN_BTF_VMLINUX=$(kn_root)/boot/vmlinuz-$(kn_kver) \
	KN_KVM_MODDIR=$(kn_root)/lib/modules/$(kn_kver) \
	KN_LAYOUT_REQUIRE="SVM VMX"
else
MDIR := $(TOP)
endif

.PHONY: all modules modules-all install dkms-install install-modconf install-dkms-src deb check demo bench lint \
	sparse checkpatch clean kernels selftests include-graph unit

all: modules

modules: $(if $(KN_KERNEL),kernel-$(KN_KERNEL))
	@test -d $(KDIR) || { echo "kvm-nest: no kernel headers at $(KDIR); install linux-headers-$(KVER) or set KDIR=" >&2; exit 1; }
ifneq ($(MDIR),$(TOP))
	@mkdir -p $(MDIR) && cp -rsf $(TOP)/kvm-nest $(TOP)/include $(TOP)/Kbuild $(MDIR)/
endif
	$(MAKE) -C $(KDIR) M=$(MDIR) $(KN_MAKE_VARS) modules

# The fetch script is quick when the kernel is already there.
kernel-%:
	@$(TOP)/scripts/fetch-kernel.sh $*

kernels: $(foreach k,$(KN_KERNELS),kernel-$(k))

# kvm/ includes nothing of the rest of kvm-nest (Documentation/architecture.rst).
include-graph:
	@python3 $(TOP)/scripts/include-graph.py --quiet $(TOP)/kvm-nest

# W=1 with warnings fatal, for every pinned kernel; make check starts here.
modules-all: include-graph kernels
	@set -e; mkdir -p $(BUILD); for k in $(KN_KERNELS); do \
		{ $(MAKE) --no-print-directory KN_KERNEL=$$k modules W=1 2>&1; echo $$? >$(BUILD)/mod-$$k.rc; } | tee $(BUILD)/mod-$$k.log; \
		[ "$$(cat $(BUILD)/mod-$$k.rc)" = 0 ] || { echo "kvm-nest: the build for $$k failed (see build/mod-$$k.log)" >&2; exit 1; }; \
		! grep -q 'warning:' $(BUILD)/mod-$$k.log || { echo "kvm-nest: warnings building for $$k (see build/mod-$$k.log)" >&2; exit 1; }; \
	done

sparse: kernels
	@set -e; for k in $(KN_KERNELS); do \
		{ $(MAKE) --no-print-directory KN_KERNEL=$$k modules C=2 2>&1; echo $$? >$(BUILD)/sparse-$$k.rc; } | tee $(BUILD)/sparse-$$k.log; \
		[ "$$(cat $(BUILD)/sparse-$$k.rc)" = 0 ] || { echo "kvm-nest: the sparse build for $$k failed (see build/sparse-$$k.log)" >&2; exit 1; }; \
		! grep -E -q '(warning|error):' $(BUILD)/sparse-$$k.log || { echo "kvm-nest: sparse complains for $$k (see build/sparse-$$k.log)" >&2; exit 1; }; \
	done

checkpatch: kernels
	$(TOP)/scripts/checkpatch.sh

lint: include-graph checkpatch sparse

selftests:
	$(MAKE) -C $(TOP)/selftests O=$(BUILD)/selftests

# Pure kvm-nest/ files built in userspace with selftests/unit/shim: no
# kernel, no emulated host (Documentation/testing.rst, "Unit tests").
# Then nestctl's own (userspace/nestctl/tests), also under valgrind.
unit:
	@$(MAKE) --no-print-directory -C $(TOP)/selftests/unit O=$(BUILD)/unit run
	@$(MAKE) --no-print-directory -C $(TOP)/userspace/nestctl O=$(BUILD)/nestctl test

install: modules install-modconf
	$(MAKE) -C $(KDIR) M=$(MDIR) modules_install
	depmod -a $(KVER)

dkms-install: install-modconf
	$(TOP)/scripts/dkms-install.sh $(VERSION)

# nested=1 and vendor module first (modprobe.d), loaded at boot (modules-load.d).
install-modconf:
	install -D -m 0644 $(TOP)/dist/modprobe.conf $(DESTDIR)/lib/modprobe.d/kvm-nest.conf
	install -D -m 0644 $(TOP)/dist/modules-load.conf $(DESTDIR)/lib/modules-load.d/kvm-nest.conf

# The module's sources as DKMS builds them (the kvm-nest-dkms package).
install-dkms-src:
	$(TOP)/scripts/dkms-src.sh $(DESTDIR)/usr/src/kvm-nest-$(VERSION)

# Debian's own tooling, on a copy of the tree: dpkg-buildpackage writes
# next to the tree it builds, and build/ stays out of the packages.
deb:
	$(TOP)/scripts/deb.sh $(BUILD)/deb

# The uapi header and every attribute type table must match the netlink
# spec, and the unit tests pass, before anything boots.
check:
	$(TOP)/scripts/deps.sh
	python3 $(TOP)/scripts/spec-check.py \
		$(TOP)/Documentation/netlink/specs/kvm_nest.yaml \
		$(TOP)/include/uapi/linux/kvm_nest.h
	python3 $(TOP)/scripts/attr-type-check.py $(TOP)
	$(MAKE) --no-print-directory unit
	$(TOP)/selftests/harness/check.sh

demo:
	$(TOP)/selftests/harness/demo.sh

bench: modules-all
	$(TOP)/selftests/bench/run.sh

bench-fit: modules-all
	$(TOP)/selftests/bench/fit.sh

# Copies build/bench's results.md and plot.png (from the last make bench)
# into Documentation/bench/, which bench.rst includes; commit them.
.PHONY: bench-doc bench-fit
bench-doc:
	$(TOP)/scripts/bench-doc.sh $(BUILD)/bench

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean 2>/dev/null
	rm -rf $(BUILD)/mod $(BUILD)/selftests $(BUILD)/unit $(BUILD)/runs $(BUILD)/*.log

# The stress run, not per commit: netlink, channel and VM churn loads at full
# counts, with module cycles meanwhile; figures at the end. KN_STRESS_*
# set the counts and seed (Documentation/testing.rst, "Stress").
.PHONY: stress
stress:
	$(TOP)/selftests/harness/stress.sh
