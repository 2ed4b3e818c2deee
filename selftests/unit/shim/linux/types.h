/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim: the kernel's fixed-width types; 64-bit ones are long long, as there. */
#ifndef KN_SHIM_LINUX_TYPES_H
#define KN_SHIM_LINUX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef unsigned long long u64;
typedef int32_t s32;
typedef long long s64;
typedef uint8_t __u8;
typedef uint16_t __u16;
typedef uint32_t __u32;
typedef unsigned long long __u64;
typedef int32_t __s32;
typedef long long __s64;

/* As in the kernel, where a head is a field of many structures. */
struct hlist_node;
struct hlist_head {
	struct hlist_node *first;
};

#include <linux/compiler.h>

#endif
