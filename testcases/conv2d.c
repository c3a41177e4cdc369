/*
 * conv2d: builtin:conv2d, a direct 2-D convolution of NCHW float tensors
 * (batch, channels, out_channels, size, kernel, stride, pad; pad defaults to
 * "same", kernel / 2). Input and weights come from the unit's seed; the unit
 * reports the speed (gflops, seconds: timing) and a checksum, the sum of the
 * outputs as a double in index order, which depends only on the parameters
 * and the seed.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bench/testcase.h>

#include "conv2d.h"
#include "rng.h"
#include "banned.h"

/* No fused multiply-add: the checksum must not depend on the compiler. */
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

#define CONV2D_DIM_MAX		4096
#define CONV2D_ELEMS_MAX	(INT64_C(1) << 28)	/* per tensor */
#define CONV2D_REPS_MAX		1000000

struct conv2d_state {
	struct conv2d_shape	 shape;
	int64_t			 reps;
	size_t			 nin, nw, nout;
	float			*in;
	float			*w;
	float			*out;
};

static const struct bench_param_spec conv2d_params[] = {
	{ "batch", BENCH_PARAM_INT, "1", "images in the batch (N)" },
	{ "channels", BENCH_PARAM_INT, "8", "input channels (C)" },
	{ "out_channels", BENCH_PARAM_INT, "8", "output channels (K)" },
	{ "size", BENCH_PARAM_INT, "32", "input height and width" },
	{ "kernel", BENCH_PARAM_INT, "3", "kernel height and width" },
	{ "stride", BENCH_PARAM_INT, "1", "stride" },
	{ "pad", BENCH_PARAM_INT, "-1", "zero padding; -1: same (kernel/2)" },
	{ "reps", BENCH_PARAM_INT, "1", "convolutions timed together" },
	{ NULL, 0, NULL, NULL },
};

/* Output side; 0 when the kernel does not fit the padded input. */
size_t
conv2d_out_size(const struct conv2d_shape *s)
{
	size_t padded = s->size + 2 * s->pad;

	if (s->stride == 0 || s->kernel == 0 || s->kernel > padded)
		return 0;
	return (padded - s->kernel) / s->stride + 1;
}

/* One output value: in points at image n, w at filter k. */
static float
conv2d_pixel(const struct conv2d_shape *s, const float *in, const float *w,
    size_t y, size_t x)
{
	size_t hw = s->size, R = s->kernel, c, r, q;
	const float *ip, *wp;
	long iy, ix;
	float acc = 0.0f;

	for (c = 0; c < s->channels; c++) {
		ip = in + c * hw * hw;
		wp = w + c * R * R;
		for (r = 0; r < R; r++) {
			iy = (long)(y * s->stride + r) - (long)s->pad;
			if (iy < 0 || iy >= (long)hw)
				continue;
			for (q = 0; q < R; q++) {
				ix = (long)(x * s->stride + q) - (long)s->pad;
				if (ix < 0 || ix >= (long)hw)
					continue;
				acc += ip[(size_t)iy * hw + (size_t)ix] *
				    wp[r * R + q];
			}
		}
	}
	return acc;
}

/* The direct convolution, in a fixed order. */
void
conv2d_direct(const struct conv2d_shape *s, const float *in, const float *w,
    float *out)
{
	size_t ho = conv2d_out_size(s), n, k, y, x;
	const float *ip, *wp;
	float *op;

	for (n = 0; n < s->batch; n++) {
		ip = in + n * s->channels * s->size * s->size;
		for (k = 0; k < s->out_channels; k++) {
			wp = w + k * s->channels * s->kernel * s->kernel;
			op = out + (n * s->out_channels + k) * ho * ho;
			for (y = 0; y < ho; y++)
				for (x = 0; x < ho; x++)
					op[y * ho + x] = conv2d_pixel(s, ip,
					    wp, y, x);
		}
	}
}

/* Free the state (any part may be NULL). */
static void
conv2d_free(struct conv2d_state *st)
{
	if (st == NULL)
		return;
	free(st->in);
	free(st->w);
	free(st->out);
	free(st);
}

/* Read one positive dimension parameter into *out; 0 or -1 (failed). */
static int
conv2d_dim(struct bench_ctx *ctx, const char *name, int64_t dflt,
    size_t *out)
{
	int64_t v = bench_param_int(ctx, name, dflt);

	if (v < 1 || v > CONV2D_DIM_MAX) {
		bench_fail(ctx, "%s must be 1..%d, not %lld", name,
		    CONV2D_DIM_MAX, (long long)v);
		return -1;
	}
	*out = (size_t)v;
	return 0;
}

/* Read and check the parameters, allocate, fill input and weights. */
static int
conv2d_setup(struct bench_ctx *ctx, void **state)
{
	struct conv2d_shape s;
	struct conv2d_state *st;
	int64_t pad, reps;
	uint64_t rng;
	size_t i, ho;

	if (conv2d_dim(ctx, "batch", 1, &s.batch) != 0 ||
	    conv2d_dim(ctx, "channels", 8, &s.channels) != 0 ||
	    conv2d_dim(ctx, "out_channels", 8, &s.out_channels) != 0 ||
	    conv2d_dim(ctx, "size", 32, &s.size) != 0 ||
	    conv2d_dim(ctx, "kernel", 3, &s.kernel) != 0 ||
	    conv2d_dim(ctx, "stride", 1, &s.stride) != 0)
		return BENCH_FAILED;
	pad = bench_param_int(ctx, "pad", -1);
	if (pad == -1)
		pad = (int64_t)(s.kernel / 2);
	if (pad < 0 || pad > CONV2D_DIM_MAX) {
		bench_fail(ctx, "pad must be -1 (same) or 0..%d, not %lld",
		    CONV2D_DIM_MAX, (long long)pad);
		return BENCH_FAILED;
	}
	s.pad = (size_t)pad;
	reps = bench_param_int(ctx, "reps", 1);
	if (reps < 1 || reps > CONV2D_REPS_MAX) {
		bench_fail(ctx, "reps must be 1..%d, not %lld",
		    CONV2D_REPS_MAX, (long long)reps);
		return BENCH_FAILED;
	}
	ho = conv2d_out_size(&s);
	if (ho == 0) {
		bench_fail(ctx, "kernel %zu does not fit size %zu with pad %zu",
		    s.kernel, s.size, s.pad);
		return BENCH_FAILED;
	}
	/* each product of at most three dimensions <= 2^12 fits; bound the
	   tensors before multiplying further */
	if ((double)s.batch * (double)s.channels * (double)s.size *
	    (double)s.size > (double)CONV2D_ELEMS_MAX ||
	    (double)s.out_channels * (double)s.channels * (double)s.kernel *
	    (double)s.kernel > (double)CONV2D_ELEMS_MAX ||
	    (double)s.batch * (double)s.out_channels * (double)ho *
	    (double)ho > (double)CONV2D_ELEMS_MAX) {
		bench_fail(ctx, "tensors too large (more than %lld elements)",
		    (long long)CONV2D_ELEMS_MAX);
		return BENCH_FAILED;
	}

	st = calloc(1, sizeof *st);
	if (st == NULL) {
		bench_fail(ctx, "out of memory: ENOMEM");
		return BENCH_FAILED;
	}
	st->shape = s;
	st->reps = reps;
	st->nin = s.batch * s.channels * s.size * s.size;
	st->nw = s.out_channels * s.channels * s.kernel * s.kernel;
	st->nout = s.batch * s.out_channels * ho * ho;
	st->in = malloc(st->nin * sizeof *st->in);
	st->w = malloc(st->nw * sizeof *st->w);
	st->out = malloc(st->nout * sizeof *st->out);
	if (st->in == NULL || st->w == NULL || st->out == NULL) {
		conv2d_free(st);
		bench_fail(ctx, "out of memory for the tensors: ENOMEM");
		return BENCH_FAILED;
	}
	rng = ctx->seed;
	for (i = 0; i < st->nin; i++)
		st->in[i] = (float)(2.0 * rng_unit(&rng) - 1.0);
	for (i = 0; i < st->nw; i++)
		st->w[i] = (float)(2.0 * rng_unit(&rng) - 1.0);
	*state = st;
	return BENCH_OK;
}

/* Convolve reps times, timed; report the speed and the checksum. */
static int
conv2d_run(struct bench_ctx *ctx, void *state)
{
	struct conv2d_state *st = state;
	const struct conv2d_shape *s = &st->shape;
	double t0, seconds, flops, sum;
	size_t i;
	int64_t r;

	t0 = ctx->now();
	for (r = 0; r < st->reps; r++)
		conv2d_direct(s, st->in, st->w, st->out);
	seconds = ctx->now() - t0;
	if (seconds < 1e-9)
		seconds = 1e-9;

	sum = 0.0;
	for (i = 0; i < st->nout; i++)
		sum += (double)st->out[i];

	/* nominal: every tap, padding included */
	flops = 2.0 * (double)st->nout * (double)s->channels *
	    (double)s->kernel * (double)s->kernel * (double)st->reps;
	bench_report_timing(ctx, "seconds", seconds);
	bench_report_timing(ctx, "gflops", flops / seconds / 1e9);
	bench_report(ctx, "checksum", sum);
	return BENCH_OK;
}

/* Free the tensors. */
static void
conv2d_teardown(struct bench_ctx *ctx, void *state)
{
	conv2d_free(state);
}

const struct bench_testcase testcase_conv2d = {
	.abi_version = BENCH_TESTCASE_ABI_VERSION,
	.name = "conv2d",
	.description = "direct 2-D convolution of NCHW float tensors",
	.params = conv2d_params,
	.setup = conv2d_setup,
	.run = conv2d_run,
	.teardown = conv2d_teardown,
	.merge = NULL,
};
