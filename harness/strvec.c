/*
 * strvec: growing NULL-terminated arrays of allocated strings. Owns the
 * array and every string in it until strvec_detach hands them over.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "strvec.h"
#include "xalloc.h"
#include "banned.h"

/* Make sv empty. */
void
strvec_init(struct strvec *sv)
{
	sv->items = NULL;
	sv->n = 0;
	sv->alloc = 0;
}

/* Append s, taking it; keep the array NULL-terminated. */
static const char *
strvec_push_nodup(struct strvec *sv, char *s)
{
	if (sv->n + 2 > sv->alloc) {
		sv->alloc = sv->alloc < 8 ? 8 : sv->alloc * 2;
		sv->items = xreallocarray(sv->items, sv->alloc,
		    sizeof *sv->items);
	}
	sv->items[sv->n++] = s;
	sv->items[sv->n] = NULL;
	return s;
}

/* Append a copy of s. */
const char *
strvec_push(struct strvec *sv, const char *s)
{
	return strvec_push_nodup(sv, xstrdup(s));
}

/* Append a formatted string. */
const char *
strvec_pushf(struct strvec *sv, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return strvec_push_nodup(sv, s);
}

/* Append a copy of every string of v. */
void
strvec_pushv(struct strvec *sv, char *const *v)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		strvec_push(sv, v[i]);
}

/* Whether c separates words for strvec_split. */
static int
strvec_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\v' || c == '\f';
}

/* Append each blank-separated word of s. */
void
strvec_split(struct strvec *sv, const char *s)
{
	const char *p = s, *start;

	for (;;) {
		while (strvec_is_blank(*p))
			p++;
		if (*p == '\0')
			return;
		start = p;
		while (*p != '\0' && !strvec_is_blank(*p))
			p++;
		strvec_push_nodup(sv, xstrndup(start, (size_t)(p - start)));
	}
}

/* Hand the array over and leave sv empty. */
char **
strvec_detach(struct strvec *sv)
{
	char **v = sv->items;

	if (v == NULL)
		v = xcalloc(1, sizeof *v);
	strvec_init(sv);
	return v;
}

/* Free everything sv holds. */
void
strvec_clear(struct strvec *sv)
{
	strv_free(sv->items);
	strvec_init(sv);
}

/* Free a detached array. */
void
strv_free(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}
