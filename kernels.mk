# Supported kernels: the one place their versions are pinned.
# Each alias names a Debian 12 kernel ABI; the harness and the build read
# these variables, never a version string of their own.
KN_KERNELS ?= 6.1 6.12

KN_KVER_6.1  := 6.1.0-47-amd64
KN_IMAGE_6.1 := linux-image-6.1.0-47-amd64-unsigned
KN_HDRS_6.1  := linux-headers-6.1.0-47-amd64 linux-headers-6.1.0-47-common linux-kbuild-6.1

KN_KVER_6.12  := 6.12.117+deb12-amd64
KN_IMAGE_6.12 := linux-image-6.12.117+deb12-amd64-unsigned
KN_HDRS_6.12  := linux-headers-6.12.117+deb12-amd64 linux-headers-6.12.117+deb12-common linux-kbuild-6.12.117+deb12
