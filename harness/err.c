/*
 * err: error messages passed out through `char **cause`.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "xalloc.h"
#include "banned.h"

/* Format a message into *cause and return -1. */
int
err_set(char **cause, const char *fmt, ...)
{
	va_list ap;

	if (cause == NULL)
		return -1;
	va_start(ap, fmt);
	*cause = xvasprintf(fmt, ap);
	va_end(ap);
	return -1;
}

/* Format a message with strerror(errno) appended into *cause; return -1. */
int
err_errno(char **cause, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	char *msg;

	if (cause == NULL)
		return -1;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	*cause = xasprintf("%s: %s", msg, strerror(saved));
	free(msg);
	errno = saved;
	return -1;
}

/* Report a bug in bench itself and abort. */
void
err_bug(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "bench: BUG at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
