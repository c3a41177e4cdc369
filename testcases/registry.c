/*
 * registry: the table of built-in test cases. Each lives in its own file in
 * testcases/ and exports one const descriptor; add one line per test case
 * to the declarations and to the table. The GPU test cases are plugins
 * (Makefile.am builds testcases/NAME.so with nvcc and installs it in
 * pkglibdir): the table has their file name, and plugin.c loads them.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "registry.h"
#include "banned.h"

extern const struct bench_testcase testcase_gemm;
extern const struct bench_testcase testcase_cellseg;
extern const struct bench_testcase testcase_conv2d;
extern const struct bench_testcase testcase_memhog;
extern const struct bench_testcase testcase_logreg;

/* One built-in: compiled in (tc) or a plugin file (plugin). */
struct registry_entry {
	const char			*name;
	const struct bench_testcase	*tc;
	const char			*plugin;
};

static const struct registry_entry registry_table[] = {
	{ .name = "gemm", .tc = &testcase_gemm },
	{ .name = "cellseg", .tc = &testcase_cellseg },
	{ .name = "conv2d", .tc = &testcase_conv2d },
	{ .name = "memhog", .tc = &testcase_memhog },
	{ .name = "logreg", .tc = &testcase_logreg },
#ifdef HAVE_CUDA
	{ .name = "cuda-gemm", .plugin = "cuda-gemm.so" },
#endif
#ifdef HAVE_CUDNN
	{ .name = "cudnn-conv", .plugin = "cudnn-conv.so" },
#endif
};

#define REGISTRY_COUNT (sizeof registry_table / sizeof registry_table[0])

/* The entry called name, or NULL. */
static const struct registry_entry *
registry_entry(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < REGISTRY_COUNT; i++) {
		if (strcmp(registry_table[i].name, name) == 0)
			return &registry_table[i];
	}
	return NULL;
}

/* The compiled-in test case called name, or NULL. */
const struct bench_testcase *
registry_find(const char *name)
{
	const struct registry_entry *e = registry_entry(name);

	return e != NULL ? e->tc : NULL;
}

/* The plugin file of the built-in called name, or NULL. */
const char *
registry_plugin(const char *name)
{
	const struct registry_entry *e = registry_entry(name);

	return e != NULL ? e->plugin : NULL;
}

/* Whether name is a built-in. */
int
registry_known(const char *name)
{
	return registry_entry(name) != NULL;
}

/* How many built-in test cases there are. */
size_t
registry_count(void)
{
	return REGISTRY_COUNT;
}

/* The name of the i-th built-in test case, or NULL past the end. */
const char *
registry_name(size_t i)
{
	return i < REGISTRY_COUNT ? registry_table[i].name : NULL;
}
