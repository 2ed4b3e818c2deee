// SPDX-License-Identifier: GPL-2.0-only
/*
 * A domain's <envelope/> element into an envelope.  libvirt gives the
 * element alone, serialized by libxml2: a start tag with attributes in
 * double or single quotes, self-closed or closed by its end tag.  That is
 * all this reads; anything else (entities, children) is refused.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "env_args.h"
#include "libvirt.h"
#include "util.h"

/* The six attributes, and a value each: argv for nc_env_args(). */
#define NC_LV_ARGS	12
#define NC_LV_VAL_LEN	256

static const char *const nc_lv_keys[] = {
	"cpu.limit", "cpu.reserve", "cpu.weight", "cpus", "mem.limit", "mem.reserve",
};

static const char *nc_lv_ws(const char *s)
{
	return s + strspn(s, " \t\r\n");
}

/* An XML name (with its prefix) at s: its length, 0 if none. */
static size_t nc_lv_name(const char *s)
{
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-");
}

static bool nc_lv_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && !strncmp(s, word, n);
}

/* The start tag's name: envelope, with any prefix. */
static const char *nc_lv_tag(const char *s, char *why, size_t len)
{
	const char *colon;
	size_t n;

	s = nc_lv_ws(s);
	n = *s == '<' ? nc_lv_name(s + 1) : 0;
	colon = n ? memchr(s + 1, ':', n) : NULL;
	if (!n || !nc_lv_is(colon ? colon + 1 : s + 1,
			    colon ? n - (size_t)(colon - s) : n, "envelope")) {
		snprintf(why, len, "the metadata element is not <envelope .../>: \"%.40s\"", s);
		return NULL;
	}
	return s + 1 + n;
}

/* Trimmed; "" is unset, as in the hook. */
static void nc_lv_trim(char *v)
{
	size_t n = strlen(v);
	const char *s = nc_lv_ws(v);

	while (n && strchr(" \t\r\n", v[n - 1]))
		v[--n] = '\0';
	memmove(v, s, strlen(s) + 1);
}

int nc_libvirt_env_parse(const char *xml, struct nc_env *env, char *why,
			 size_t len)
{
	char vals[NC_LV_ARGS / 2][NC_LV_VAL_LEN];
	char *argv[NC_LV_ARGS];
	const char *s = nc_lv_tag(xml, why, len);
	int argc = 0;
	bool dry;

	if (!s)
		return -EINVAL;
	for (;;) {
		const char *name, *end, *key = NULL;
		size_t n;

		s = nc_lv_ws(s);
		if (*s == '/' || *s == '>')
			break;
		name = s;
		n = nc_lv_name(s);
		s = nc_lv_ws(s + n);
		if (!n || *s != '=')
			goto bad;
		s = nc_lv_ws(s + 1);
		end = (*s == '"' || *s == '\'') ? strchr(s + 1, *s) : NULL;
		if (!end)
			goto bad;
		s++;
		if (!strncmp(name, "xmlns", 5)) {
			s = end + 1;
			continue;
		}
		for (size_t i = 0; i < NC_ARRAY_SIZE(nc_lv_keys); i++)
			if (nc_lv_is(name, n, nc_lv_keys[i]))
				key = nc_lv_keys[i];
		if (!key) {
			snprintf(why, len, "unknown envelope attribute '%.*s'; known: cpu.limit cpu.reserve cpu.weight cpus mem.limit mem.reserve",
				 (int)(n > 40 ? 40 : n), name);
			return -EINVAL;
		}
		if ((size_t)(end - s) >= NC_LV_VAL_LEN || memchr(s, '&', (size_t)(end - s))) {
			snprintf(why, len, "envelope attribute %s: its value is too long or holds an XML entity",
				 key);
			return -EINVAL;
		}
		if (argc == NC_LV_ARGS) {
			snprintf(why, len, "envelope attribute %s given twice", key);
			return -EINVAL;
		}
		memcpy(vals[argc / 2], s, (size_t)(end - s));
		vals[argc / 2][end - s] = '\0';
		nc_lv_trim(vals[argc / 2]);
		s = end + 1;
		if (!vals[argc / 2][0])
			continue;
		argv[argc] = (char *)(uintptr_t)key;
		argv[argc + 1] = vals[argc / 2];
		argc += 2;
	}
	if ((*s == '/' && s[1] != '>') || (*s == '>' && strncmp(nc_lv_ws(s + 1), "</", 2))) {
		snprintf(why, len, "the <envelope> element has content; it takes attributes only");
		return -EINVAL;
	}
	*env = (struct nc_env){ 0 };
	/* nestctl's own checks; they print what was wrong. */
	if (argc && nc_env_args(argc, argv, env, &dry)) {
		snprintf(why, len, "an envelope value nestctl does not take (see the error above)");
		return -EINVAL;
	}
	env->has = NC_ENV_CPU_LIMIT | NC_ENV_CPU_RESERVE | NC_ENV_CPU_WEIGHT |
		   NC_ENV_CPUS | NC_ENV_MEM_LIMIT | NC_ENV_MEM_RESERVE;
	return 0;
bad:
	snprintf(why, len, "the <envelope> element is not plain XML attributes: \"%.40s\"", xml);
	return -EINVAL;
}
