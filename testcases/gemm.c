/*
 * gemm: builtin:gemm, a blocked double-precision matrix multiply C = A x B
 * of n x n matrices. A and B are generated from the unit's seed; the unit
 * reports the speed (gflops, seconds: timing metrics) and a checksum of C
 * that depends only on the seed and n, so serial and parallel runs agree.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bench/testcase.h>

#include "gemm.h"
#include "rng.h"
#include "banned.h"

/*
 * No fused multiply-add: a contracted a*b+c rounds differently, and the
 * checksum must not depend on the compiler's choice (GCC contracts nothing
 * under -std=c11; clang needs telling).
 */
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

#define GEMM_N_MAX	8192
#define GEMM_REPS_MAX	1000000

struct gemm_state {
	size_t	 n;
	size_t	 block;
	int64_t	 reps;
	double	*a;
	double	*b;
	double	*c;
};

static const struct bench_param_spec gemm_params[] = {
	{ "n", BENCH_PARAM_INT, "256", "matrix order, 1..8192" },
	{ "block", BENCH_PARAM_INT, "32", "tile size, 1..n" },
	{ "reps", BENCH_PARAM_INT, "1", "multiplications timed together" },
	{ NULL, 0, NULL, NULL },
};

/* The smaller of two sizes. */
static size_t
gemm_min(size_t x, size_t y)
{
	return x < y ? x : y;
}

/* C += A x B, tile by tile; see gemm.h for why block does not matter. */
void
gemm_blocked(size_t n, size_t block, const double *a, const double *b,
    double *c)
{
	size_t ii, kk, jj, i, k, j, iend, kend, jend;
	double aik;

	for (ii = 0; ii < n; ii += block) {
		iend = gemm_min(ii + block, n);
		for (kk = 0; kk < n; kk += block) {
			kend = gemm_min(kk + block, n);
			for (jj = 0; jj < n; jj += block) {
				jend = gemm_min(jj + block, n);
				for (i = ii; i < iend; i++) {
					for (k = kk; k < kend; k++) {
						aik = a[i * n + k];
						for (j = jj; j < jend; j++) {
							c[i * n + j] +=
							    aik * b[k * n + j];
						}
					}
				}
			}
		}
	}
}

/* Free the state (any part may be NULL). */
static void
gemm_free(struct gemm_state *st)
{
	if (st == NULL)
		return;
	free(st->a);
	free(st->b);
	free(st->c);
	free(st);
}

/* Read and check the parameters, allocate, and fill A and B from the seed. */
static int
gemm_setup(struct bench_ctx *ctx, void **state)
{
	struct gemm_state *st;
	int64_t n, block, reps;
	uint64_t rng;
	size_t i, nn;

	n = bench_param_int(ctx, "n", 256);
	if (n < 1 || n > GEMM_N_MAX) {
		bench_fail(ctx, "n must be 1..%d, not %lld", GEMM_N_MAX,
		    (long long)n);
		return BENCH_FAILED;
	}
	if (ctx->param_int(ctx, "block", &block) != 0)
		block = n < 32 ? n : 32;	/* the default fits any n */
	else if (block < 1 || block > n) {
		bench_fail(ctx, "block must be 1..n (%lld), not %lld",
		    (long long)n, (long long)block);
		return BENCH_FAILED;
	}
	reps = bench_param_int(ctx, "reps", 1);
	if (reps < 1 || reps > GEMM_REPS_MAX) {
		bench_fail(ctx, "reps must be 1..%d, not %lld", GEMM_REPS_MAX,
		    (long long)reps);
		return BENCH_FAILED;
	}

	st = calloc(1, sizeof *st);
	if (st == NULL) {
		bench_fail(ctx, "out of memory");
		return BENCH_FAILED;
	}
	st->n = (size_t)n;
	st->block = (size_t)block;
	st->reps = reps;
	nn = st->n * st->n;
	st->a = malloc(nn * sizeof *st->a);
	st->b = malloc(nn * sizeof *st->b);
	st->c = malloc(nn * sizeof *st->c);
	if (st->a == NULL || st->b == NULL || st->c == NULL) {
		gemm_free(st);
		bench_fail(ctx, "out of memory for three %lldx%lld matrices",
		    (long long)n, (long long)n);
		return BENCH_FAILED;
	}
	rng = ctx->seed;
	for (i = 0; i < nn; i++)
		st->a[i] = 2.0 * rng_unit(&rng) - 1.0;
	for (i = 0; i < nn; i++)
		st->b[i] = 2.0 * rng_unit(&rng) - 1.0;
	*state = st;
	return BENCH_OK;
}

/* Multiply reps times, timed; report the speed and the checksum of C. */
static int
gemm_run(struct bench_ctx *ctx, void *state)
{
	struct gemm_state *st = state;
	double t0, seconds, flops, sum;
	size_t i, nn = st->n * st->n;
	int64_t r;

	t0 = ctx->now();
	for (r = 0; r < st->reps; r++) {
		memset(st->c, 0, nn * sizeof *st->c);
		gemm_blocked(st->n, st->block, st->a, st->b, st->c);
	}
	seconds = ctx->now() - t0;
	if (seconds < 1e-9)
		seconds = 1e-9;	/* below the clock's resolution */

	/* position-weighted, in a fixed order: a transposed or shifted C
	   changes it too */
	sum = 0.0;
	for (i = 0; i < nn; i++)
		sum += st->c[i] * (double)(i % 13 + 1);

	flops = 2.0 * (double)st->n * (double)st->n * (double)st->n *
	    (double)st->reps;
	bench_report_timing(ctx, "seconds", seconds);
	bench_report_timing(ctx, "gflops", flops / seconds / 1e9);
	bench_report(ctx, "checksum", sum);
	return BENCH_OK;
}

/* Free the matrices. */
static void
gemm_teardown(struct bench_ctx *ctx, void *state)
{
	gemm_free(state);
}

const struct bench_testcase testcase_gemm = {
	.abi_version = BENCH_TESTCASE_ABI_VERSION,
	.name = "gemm",
	.description = "blocked double-precision matrix multiply C = A x B",
	.params = gemm_params,
	.setup = gemm_setup,
	.run = gemm_run,
	.teardown = gemm_teardown,
	.merge = NULL,
};
