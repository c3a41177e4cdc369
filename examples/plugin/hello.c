/*
 * hello: an example bench test-case plugin, built out of tree against
 * <bench/testcase.h> alone (see README.md). It sums `count` pseudo-random
 * integers drawn from the unit's seed and reports the sum and the count;
 * merge() adds up the units of a test case, exactly.
 */
#include <stdint.h>

#include <bench/testcase.h>

static const struct bench_param_spec hello_params[] = {
	{ "count", BENCH_PARAM_INT, "1000", "how many numbers to add" },
	{ NULL, 0, NULL, NULL },
};

/* splitmix64: the next number of the sequence that starts at *state. */
static uint64_t
hello_next(uint64_t *state)
{
	uint64_t z;

	z = (*state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* The unit: a deterministic function of count and the seed. */
static int
hello_run(struct bench_ctx *ctx, void *state)
{
	int64_t count, i;
	uint64_t rng = ctx->seed, sum = 0;

	(void)state;
	count = bench_param_int(ctx, "count", 1000);
	if (count < 0 || count > 100000000) {
		bench_fail(ctx, "count must be 0..100000000, not %lld",
		    (long long)count);
		return BENCH_FAILED;
	}
	for (i = 0; i < count; i++)
		sum += hello_next(&rng) % 1000;	/* exact as a double */
	bench_log(ctx, "hello from unit %s: %lld numbers", ctx->unit_id,
	    (long long)count);
	bench_report(ctx, "sum", (double)sum);
	bench_report(ctx, "count", (double)count);
	return BENCH_OK;
}

/* The test case's metrics: the units' sums and counts added up. */
static int
hello_merge(struct bench_merge_ctx *ctx)
{
	double sum = 0, count = 0, v;
	size_t i;

	for (i = 0; i < ctx->nunits; i++) {
		if (ctx->unit_metric(ctx, i, "sum", &v) == 0)
			sum += v;
		if (ctx->unit_metric(ctx, i, "count", &v) == 0)
			count += v;
	}
	ctx->report(ctx, "sum", sum, 0);
	ctx->report(ctx, "count", count, 0);
	if (count > 0)
		ctx->report(ctx, "mean", sum / count, 0);
	return BENCH_OK;
}

static const struct bench_testcase hello_testcase = {
	.abi_version = BENCH_TESTCASE_ABI_VERSION,
	.name = "hello",
	.description = "sum of a seeded sequence of numbers",
	.params = hello_params,
	.setup = NULL,
	.run = hello_run,
	.teardown = NULL,
	.merge = hello_merge,
};

/* The entry point bench looks for. */
const struct bench_testcase *bench_testcase_v1(void);
const struct bench_testcase *
bench_testcase_v1(void)
{
	return &hello_testcase;
}
