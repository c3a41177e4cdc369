/*
 * badabi: a test plugin built for a test-case ABI bench does not speak, so
 * the loader must refuse it (tests/unit/test-testcase.c).
 */
#include <bench/testcase.h>

/* Never called: bench must stop at the ABI version. */
static int
badabi_run(struct bench_ctx *ctx, void *state)
{
	(void)ctx;
	(void)state;
	return BENCH_OK;
}

static const struct bench_testcase badabi_testcase = {
	.abi_version = 99,
	.name = "badabi",
	.run = badabi_run,
};

/* The entry point, with the wrong version inside. */
const struct bench_testcase *bench_testcase_v1(void);
const struct bench_testcase *
bench_testcase_v1(void)
{
	return &badabi_testcase;
}
