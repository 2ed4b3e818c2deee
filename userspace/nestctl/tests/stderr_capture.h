/* SPDX-License-Identifier: GPL-2.0-only */
/* What a call writes on stderr, for tests of error messages. */
#ifndef NC_TEST_STDERR_CAPTURE_H
#define NC_TEST_STDERR_CAPTURE_H

#include <stdio.h>
#include <unistd.h>

/* Send stderr to a temporary file until capture_end(); fd 2 saved in *saved. */
static inline FILE *capture_start(int *saved)
{
	FILE *tmp = tmpfile();

	fflush(stderr);
	*saved = dup(2);
	if (tmp)
		dup2(fileno(tmp), 2);
	return tmp;
}

/* Put stderr back; buf (of len bytes) gets what was written, cut to fit. */
static inline void capture_end(FILE *tmp, int saved, char *buf, size_t len)
{
	size_t n = 0;

	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	if (tmp) {
		rewind(tmp);
		n = fread(buf, 1, len - 1, tmp);
		fclose(tmp);
	}
	buf[n] = '\0';
}

#endif
