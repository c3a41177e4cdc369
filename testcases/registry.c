/*
 * registry: the table of built-in test cases. Each lives in its own file in
 * testcases/ and exports one const descriptor; add one line per test case
 * to the declarations and to the table.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "registry.h"
#include "banned.h"

/* The job loader's fuzz target is built without the GPU test cases. */
#ifdef REGISTRY_CPU_ONLY
#undef HAVE_CUDA
#undef HAVE_CUDNN
#endif

extern const struct bench_testcase testcase_gemm;
extern const struct bench_testcase testcase_cellseg;
extern const struct bench_testcase testcase_conv2d;
extern const struct bench_testcase testcase_memhog;
extern const struct bench_testcase testcase_logreg;
#ifdef HAVE_CUDA
extern const struct bench_testcase testcase_cuda_gemm;
#endif
#ifdef HAVE_CUDNN
extern const struct bench_testcase testcase_cudnn_conv;
#endif

static const struct bench_testcase *const registry_table[] = {
	&testcase_gemm,
	&testcase_cellseg,
	&testcase_conv2d,
	&testcase_memhog,
	&testcase_logreg,
#ifdef HAVE_CUDA
	&testcase_cuda_gemm,
#endif
#ifdef HAVE_CUDNN
	&testcase_cudnn_conv,
#endif
};

#define REGISTRY_COUNT (sizeof registry_table / sizeof registry_table[0])

/* The built-in test case called name, or NULL. */
const struct bench_testcase *
registry_find(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < REGISTRY_COUNT; i++) {
		if (strcmp(registry_table[i]->name, name) == 0)
			return registry_table[i];
	}
	return NULL;
}

/* How many built-in test cases there are. */
size_t
registry_count(void)
{
	return REGISTRY_COUNT;
}

/* The i-th built-in test case, or NULL past the end. */
const struct bench_testcase *
registry_at(size_t i)
{
	return i < REGISTRY_COUNT ? registry_table[i] : NULL;
}
