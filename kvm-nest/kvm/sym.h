/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_KVM_SYM_H
#define KN_KVM_SYM_H

#include <linux/compiler.h>
#include <linux/static_call.h>

/*
 * Every kernel symbol kvm-nest finds by name leaves a record "HOW MOD:NAME"
 * in the .kn_reach section, which scripts/kn-ibt-check.py reads from the
 * built object against the target's IBT seal tables:
 *   call  a function reached only through a static call, which x86 patches
 *         into a direct call or jump: a sealed ENDBR does not matter;
 *   hook  a function redirected with ftrace; its original is a "call";
 *   data  an object, never called; the check refuses a function here.
 * MOD is "vmlinux" for the kernel itself.
 */
#define KN_REACH(how, mod, name)					\
	static const char __UNIQUE_ID(kn_reach)[] __used __aligned(1)	\
	__section(".kn_reach") = how " " #mod ":" #name

/* Address of symbol @name of module @mod ("vmlinux": the kernel), or 0. */
unsigned long kn_sym(const char *mod, const char *name);

/* Whether it exists: for telling which vendor module is loaded. */
bool kn_sym_exists(const char *mod, const char *name);

#define KN_SYM_DATA(mod, name) ({					\
	KN_REACH("data", mod, name);					\
	(void *)kn_sym(#mod, #name);					\
})

/*
 * A function called by name: KN_CALL_DEFINE() at file scope, then
 * KN_CALL_RESOLVE() once and KN_CALL(mod, name)(args...).
 */
#define KN_CALL_DEFINE(name, proto)	DEFINE_STATIC_CALL_NULL(kn_call_##name, proto)
#define KN_CALL(mod, name) ({						\
	KN_REACH("call", mod, name);					\
	static_call(kn_call_##name);					\
})
#define KN_CALL_RESOLVE(mod, name)					\
	kn_call_resolve(#mod, #name, &STATIC_CALL_KEY(kn_call_##name),	\
			STATIC_CALL_TRAMP_ADDR(kn_call_##name))

/* Points the static call at @mod:@name; its address, or 0 (logged). */
unsigned long kn_call_resolve(const char *mod, const char *name,
			      struct static_call_key *key, void *tramp);

int kn_sym_init(void);

#endif
