/*
 * err: one way to report an error out of a module. Functions that can fail
 * take `char **cause`; on failure they set *cause to an allocated message
 * (the caller frees it) and return -1. Messages are lowercase, with no
 * final period, the failed thing first and errno text last.
 */
#ifndef BENCH_ERR_H
#define BENCH_ERR_H

#include <stdio.h>
#include <stdlib.h>

/* Set *cause (when cause is not NULL) to the formatted message; return -1. */
int err_set(char **cause, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Like err_set, with ": strerror(errno)" appended; errno is preserved. */
int err_errno(char **cause, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A broken invariant: a bug in bench, not an error. Aborts with file:line. */
#define BUG(...) err_bug(__FILE__, __LINE__, __VA_ARGS__)
void err_bug(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

#endif
