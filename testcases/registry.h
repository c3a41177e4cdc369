/*
 * registry: the built-in test cases, reached with a module
 * `url: builtin:NAME`. Most are compiled into bench; the GPU ones (CUDA,
 * cuDNN) are plugins in bench's plugin directory, loaded only when a unit
 * runs one, so that bench itself never needs the CUDA runtime or cuDNN to
 * start.
 */
#ifndef BENCH_REGISTRY_H
#define BENCH_REGISTRY_H

#include <stddef.h>

#include <bench/testcase.h>

/* The built-in test case called name (without "builtin:") when it is
   compiled in, or NULL (unknown, or a plugin: registry_plugin). */
const struct bench_testcase *registry_find(const char *name);
/* For a built-in that lives in a plugin, the plugin's file name in bench's
   plugin directory (e.g. "cuda-gemm.so"); NULL for any other name. */
const char *registry_plugin(const char *name);
/* Whether name is a built-in test case, compiled in or a plugin. */
int registry_known(const char *name);
/* The number of built-in test cases, and the name of the i-th
   (0..count-1, NULL past the end), in table order, for listing. */
size_t registry_count(void);
const char *registry_name(size_t i);

#endif
