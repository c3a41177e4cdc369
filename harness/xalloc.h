/*
 * xalloc: allocation wrappers. Allocation failure is not an error bench can
 * recover from: these print "bench: out of memory (N bytes)" and end the
 * program, so call sites stay simple. They end it through the function main
 * installs with xalloc_set_die (exit 3, an environment error: the one exit
 * below main, and main decides it), or abort() when none is set.
 */
#ifndef BENCH_XALLOC_H
#define BENCH_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

/* After the message, die() runs; it must not return. */
void xalloc_set_die(void (*die)(void));

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Formatted string, allocated; the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif
