/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_KVM_HOOK_H
#define KN_KVM_HOOK_H

#include <linux/ftrace.h>
#include <linux/percpu.h>
#include <linux/static_call.h>

#include "sym.h"

/*
 * A redirect sends every call of a KVM function to our wrapper: livepatch's
 * ftrace IPMODIFY technique, with the caller's address telling the
 * wrapper's own call apart.  The wrapper reaches the original through a
 * static call, a direct call once patched: on IBT kernels most KVM
 * functions have their ENDBR sealed and an indirect call would oops.
 */
struct kn_redirect {
	const char *mod;	/* "kvm", "kvm_amd", ... */
	const char *sym;
	const char *kind;	/* what it is for, shown in debugfs */
	void *wrapper;
	struct static_call_key *orig_key;
	void *orig_tramp;
	unsigned long orig;	/* the original's address, once resolved */
	unsigned int id;	/* slot in the call counters */
	struct ftrace_ops ops;
};

/*
 * At file scope, before the wrapper: the static call that reaches the
 * original, whose prototype @proto gives.  The wrapper calls
 * KN_ORIG(mod, name)(args...), and must do something after it: a tail
 * call would leave no return address in this module, and the redirect
 * would send the original's call back to the wrapper.
 */
#define KN_ORIG_DEFINE(name, proto)	DEFINE_STATIC_CALL_NULL(kn_orig_##name, proto)
#define KN_ORIG(mod, name) ({						\
	KN_REACH("hook", mod, name);					\
	static_call(kn_orig_##name);					\
})

#define KN_REDIRECT(_mod, _name, _kind, _wrapper) {			\
	.mod = #_mod, .sym = #_name, .kind = _kind, .wrapper = _wrapper,	\
	.orig_key = &STATIC_CALL_KEY(kn_orig_##_name),			\
	.orig_tramp = STATIC_CALL_TRAMP_ADDR(kn_orig_##_name),		\
}

#define KN_MAX_HOOKS	16

DECLARE_PER_CPU(u64, kn_hook_calls[KN_MAX_HOOKS]);
DECLARE_PER_CPU(long, kn_hook_inflight);

/* Bracket the body of every wrapper: unload waits for these to pair up. */
static __always_inline void kn_hook_enter(unsigned int id)
{
	this_cpu_inc(kn_hook_inflight);
	this_cpu_inc(kn_hook_calls[id]);
}

static __always_inline void kn_hook_leave(void)
{
	this_cpu_dec(kn_hook_inflight);
}

static __always_inline void kn_hook_count(unsigned int id)
{
	this_cpu_inc(kn_hook_calls[id]);
}

unsigned int kn_hook_new_id(const char *name, const char *kind);
u64 kn_hook_calls_sum(unsigned int id);
void kn_hooks_reset(void);
struct kn_hook_info;
int kn_hooks_visit(int (*fn)(const struct kn_hook_info *h, void *arg),
		   void *arg);

int kn_redirects_resolve(struct kn_redirect *r, unsigned int n);
int kn_redirects_attach(struct kn_redirect *r, unsigned int n);
void kn_redirects_detach(struct kn_redirect *r, unsigned int n);
void kn_redirects_drain(void);

#endif
