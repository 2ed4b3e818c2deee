// SPDX-License-Identifier: GPL-2.0-only
/*
 * The layouts in gen/layout.h are only right for the module files they were
 * generated from.  The build recorded each file's GNU build-id; the kernel
 * shows a loaded module's notes, as the bytes of its ELF note sections, in
 * /sys/module/<name>/notes/.  Both 6.1 and 6.12 do so for every module
 * (CONFIG_KALLSYMS and CONFIG_SYSFS), while the in-kernel copy
 * (mod->build_id) needs CONFIG_STACKTRACE_BUILD_ID, which Debian lacks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/elf.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "layout.h"
#include "match.h"
#include "vendor.h"

/* A build-id note is 36 bytes with SHA-1 ids; leave room for longer ones. */
#define KN_NOTES_MAX	256
#define KN_ID_MAX	64
#define KN_NT_GNU_BUILD_ID	3	/* the ELF note type, not in the headers */

/*
 * The build-id of loaded module @mod, in hex, into @hex.  Only the notes of
 * a module the kernel loaded are read here: their sizes are trusted no more
 * than that, and each is checked against what was read.
 */
static int kn_running_id(const char *mod, char *hex)
{
	char path[96];
	struct file *f;
	loff_t pos = 0;
	size_t len, off = 0;
	ssize_t got;
	u8 *buf;
	int err = -ENOENT;

	snprintf(path, sizeof(path), "/sys/module/%s/notes/.note.gnu.build-id",
		 mod);
	buf = kmalloc(KN_NOTES_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f)) {
		err = PTR_ERR(f);
		goto out;
	}
	got = kernel_read(f, buf, KN_NOTES_MAX, &pos);
	filp_close(f, NULL);
	if (got < 0) {
		err = got;
		goto out;
	}
	len = got;
	while (off + sizeof(struct elf64_note) <= len) {
		struct elf64_note n;
		size_t name, desc;

		memcpy(&n, buf + off, sizeof(n));
		name = off + sizeof(n);
		desc = name + ALIGN(n.n_namesz, 4);
		if (n.n_namesz > len || n.n_descsz > len ||
		    desc + n.n_descsz > len)
			break;
		if (n.n_type == KN_NT_GNU_BUILD_ID && n.n_namesz == 4 &&
		    !memcmp(buf + name, "GNU", 4) && n.n_descsz &&
		    n.n_descsz <= KN_ID_MAX) {
			bin2hex(hex, buf + desc, n.n_descsz);
			hex[2 * n.n_descsz] = '\0';
			err = 0;
			break;
		}
		off = desc + ALIGN(n.n_descsz, 4);
	}
out:
	kfree(buf);
	return err;
}

static int kn_match_one(const char *mod, const char *want, const char *file)
{
	char *have;
	int err;

	have = kmalloc(2 * KN_ID_MAX + 1, GFP_KERNEL);
	if (!have)
		return -ENOMEM;
	err = kn_running_id(mod, have);
	if (err)
		pr_err("refusing to load: cannot read the build-id of the running %s (/sys/module/%s/notes, %d) to check it is %s, which kvm-nest was built for\n",
		       mod, mod, err, file);
	else if (strcmp(have, want))
		pr_err("refusing to load: the running %s (build-id %s) is not %s (build-id %s), which kvm-nest was built for; rebuild kvm-nest against the running kernel's modules\n",
		       mod, have, file, want);
	if (!err && strcmp(have, want))
		err = -ENOEXEC;
	kfree(have);
	return err;
}

int kn_layout_match(const struct kn_vendor *v)
{
	const char *want = NULL, *file = NULL;
	int err;

	err = kn_match_one("kvm", KN_KVM_BUILD_ID, KN_KVM_MODULE_FILE);
	if (err)
		return err;
#ifdef KN_HAVE_SVM_LAYOUT
	if (v == &kn_svm) {
		want = KN_SVM_BUILD_ID;
		file = KN_SVM_MODULE_FILE;
	}
#endif
#ifdef KN_HAVE_VMX_LAYOUT
	if (v == &kn_vmx) {
		want = KN_VMX_BUILD_ID;
		file = KN_VMX_MODULE_FILE;
	}
#endif
	/* kn_vendor_find() picks only a vendor whose layout was built. */
	if (!want) {
		pr_err("refusing to load: kvm-nest was built without a layout for %s\n",
		       v->module);
		return -ENOEXEC;
	}
	return kn_match_one(v->module, want, file);
}
