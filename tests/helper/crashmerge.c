/*
 * crashmerge: a test-case plugin whose merge() crashes with SIGSEGV when
 * its test case is named "crash...", and sums "n" otherwise. bench must run
 * merge() in a worker process, so the crash fails that merge only
 * (tests/e2e/t3005-merge-worker.sh).
 */
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include <bench/testcase.h>

/* The unit: n = 1 + its partition. */
static int
crashmerge_run(struct bench_ctx *ctx, void *state)
{
	(void)state;
	bench_report(ctx, "n", (double)(ctx->part + 1));
	return BENCH_OK;
}

/* Sum n, or crash. */
static int
crashmerge_merge(struct bench_merge_ctx *ctx)
{
	double sum = 0, v;
	size_t i;

	if (strncmp(ctx->testcase, "crash", 5) == 0)
		raise(SIGSEGV);
	for (i = 0; i < ctx->nunits; i++) {
		if (ctx->unit_metric(ctx, i, "n", &v) == 0)
			sum += v;
	}
	ctx->report(ctx, "n", sum, 0);
	return BENCH_OK;
}

static const struct bench_testcase crashmerge_testcase = {
	.abi_version = BENCH_TESTCASE_ABI_VERSION,
	.name = "crashmerge",
	.description = "a merge() that crashes on request",
	.run = crashmerge_run,
	.merge = crashmerge_merge,
};

/* The entry point bench looks for. */
const struct bench_testcase *bench_testcase_v1(void);
const struct bench_testcase *
bench_testcase_v1(void)
{
	return &crashmerge_testcase;
}
