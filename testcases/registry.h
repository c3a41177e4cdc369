/*
 * registry: the test cases compiled into bench, reached with a module
 * `url: builtin:NAME`.
 */
#ifndef BENCH_REGISTRY_H
#define BENCH_REGISTRY_H

#include <stddef.h>

#include <bench/testcase.h>

/* The built-in test case called name (without "builtin:"), or NULL. */
const struct bench_testcase *registry_find(const char *name);
/* The number of built-in test cases, and the i-th (0..count-1), in table
   order, for listing. */
size_t registry_count(void);
const struct bench_testcase *registry_at(size_t i);

#endif
