/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_KVM_HOOK_H
#define KN_KVM_HOOK_H

#include <linux/ftrace.h>
#include <linux/percpu.h>

/*
 * A redirect sends every call of a KVM function to our wrapper, which calls
 * the original through @orig: livepatch's ftrace IPMODIFY technique, with
 * the caller's address telling the wrapper's own call apart.
 */
struct kn_redirect {
	const char *sym;	/* "module:function" */
	const char *kind;	/* what it is for, shown in debugfs */
	void *wrapper;
	void **orig;
	unsigned int id;	/* slot in the call counters */
	struct ftrace_ops ops;
};

#define KN_REDIRECT(_sym, _kind, _wrapper, _orig) {		\
	.sym = _sym, .kind = _kind, .wrapper = _wrapper,		\
	.orig = (void **)&(_orig),					\
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
