/*
 * plugin: find the test case a module's url names: `builtin:NAME` from the
 * registry of built-ins (compiled in, or a plugin of bench's own: the GPU
 * test cases), anything else a path to a shared object exporting
 * bench_testcase_v1 (include/bench/testcase.h).
 */
#ifndef BENCH_PLUGIN_H
#define BENCH_PLUGIN_H

#include <bench/testcase.h>

/*
 * Open the test case url names and check its descriptor (ABI version, name,
 * run). On success: 0, *tc set (valid until testcase_close), *handle set
 * (NULL for a built-in, else the dlopen handle). On failure: -1 and *cause,
 * which the caller frees; *tc and *handle are left NULL. A path without a
 * slash is taken relative to the working directory, not searched for in the
 * library path. A GPU built-in (registry_plugin) is loaded from bench's
 * plugin directory (the build tree's testcases/ for a program run from the
 * build tree); when it does not load and neither does the NVIDIA driver's
 * library, it is TESTCASE_UNAVAILABLE with *cause "no NVIDIA driver/GPU
 * (...)": the unit is to be skipped, not failed.
 */
#define TESTCASE_UNAVAILABLE 1
int testcase_open(const char *url, const struct bench_testcase **tc,
    void **handle, char **cause);
/* Unload a plugin opened by testcase_open; NULL does nothing. */
void testcase_close(void *handle);

#endif
