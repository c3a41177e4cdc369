/*
 * test-workloads: the built-in CPU workloads. The image kernels of cellseg
 * (Otsu on a known histogram, Dice and IoU of known masks, 4-connected
 * components of a hand-made mask, a blur that keeps the sum), cellseg end to
 * end (deterministic, a good Dice, partitions merged equal to one unit bit
 * for bit), conv2d against a naive reference, memhog (its counts, ENOMEM),
 * and logreg (accurate, deterministic, the reusable kernel). Units run
 * through a fake bench_ctx.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include <bench/testcase.h>

#include "conv2d.h"
#include "imgproc.h"
#include "logreg.h"
#include "registry.h"
#include "rng.h"
#include "banned.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

extern const struct bench_testcase testcase_cellseg;
extern const struct bench_testcase testcase_conv2d;
extern const struct bench_testcase testcase_memhog;
extern const struct bench_testcase testcase_logreg;

#define MAXMET 64

/* A unit's context and what it reported. */
struct fake {
	struct bench_ctx	 ctx;		/* first: the callbacks cast */
	json_t			*params;
	char			 name[MAXMET][48];
	double			 value[MAXMET];
	int			 timing[MAXMET];
	size_t			 n;
	char			 msg[512];
	int			 failed;
	int			 skipped;
};

/* A merge context over fake units. */
struct fake_merge {
	struct bench_merge_ctx	 ctx;		/* first */
	struct fake		*units;
	struct fake		 out;		/* the merged metrics */
};

/* param_int: integers, and reals with an integer value. */
static int
fake_param_int(struct bench_ctx *ctx, const char *name, int64_t *out)
{
	json_t *v = json_object_get(((struct fake *)ctx)->params, name);

	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	if (json_is_real(v) && json_real_value(v) ==
	    (double)(int64_t)json_real_value(v)) {
		*out = (int64_t)json_real_value(v);
		return 0;
	}
	return -1;
}

/* param_real: any number. */
static int
fake_param_real(struct bench_ctx *ctx, const char *name, double *out)
{
	json_t *v = json_object_get(((struct fake *)ctx)->params, name);

	if (!json_is_number(v))
		return -1;
	*out = json_number_value(v);
	return 0;
}

/* param_string. */
static int
fake_param_string(struct bench_ctx *ctx, const char *name, const char **out)
{
	json_t *v = json_object_get(((struct fake *)ctx)->params, name);

	if (!json_is_string(v))
		return -1;
	*out = json_string_value(v);
	return 0;
}

/* param_bool. */
static int
fake_param_bool(struct bench_ctx *ctx, const char *name, int *out)
{
	json_t *v = json_object_get(((struct fake *)ctx)->params, name);

	if (!json_is_boolean(v))
		return -1;
	*out = json_is_true(v);
	return 0;
}

/* Keep one metric (each name once). */
static void
fake_store(struct fake *f, const char *name, double value, int timing)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->name[i], name) == 0)
			fail_msg("metric %s reported twice", name);
	assert_true(f->n < MAXMET);
	assert_true(strlen(name) < sizeof f->name[0]);
	snprintf(f->name[f->n], sizeof f->name[0], "%s", name);
	f->value[f->n] = value;
	f->timing[f->n] = timing;
	f->n++;
}

/* report. */
static void
fake_report(struct bench_ctx *ctx, const char *name, double value,
    int timing)
{
	fake_store((struct fake *)ctx, name, value, timing);
}

/* fail: keep the message. */
static void
fake_fail(struct bench_ctx *ctx, const char *fmt, ...)
{
	struct fake *f = (struct fake *)ctx;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof f->msg, fmt, ap);
	va_end(ap);
	f->failed = 1;
}

/* skip: keep the message. */
static void
fake_skip(struct bench_ctx *ctx, const char *fmt, ...)
{
	struct fake *f = (struct fake *)ctx;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof f->msg, fmt, ap);
	va_end(ap);
	f->skipped = 1;
}

/* log: nowhere. */
static void
fake_log(struct bench_ctx *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

/* Monotonic seconds. */
static double
fake_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run one unit of tc with params (JSON text) through a fake context. */
static int
fake_run(const struct bench_testcase *tc, const char *params, uint64_t seed,
    unsigned part, unsigned nparts, struct fake *f)
{
	void *state = NULL;
	int r;

	memset(f, 0, sizeof *f);
	f->params = json_loads(params, 0, NULL);
	assert_non_null(f->params);
	f->ctx.abi_version = BENCH_TESTCASE_ABI_VERSION;
	f->ctx.unit_id = "u-0";
	f->ctx.testcase = tc->name;
	f->ctx.workspace = "/tmp";
	f->ctx.seed = seed;
	f->ctx.part = part;
	f->ctx.nparts = nparts;
	f->ctx.param_int = fake_param_int;
	f->ctx.param_real = fake_param_real;
	f->ctx.param_string = fake_param_string;
	f->ctx.param_bool = fake_param_bool;
	f->ctx.report = fake_report;
	f->ctx.fail = fake_fail;
	f->ctx.skip = fake_skip;
	f->ctx.log = fake_log;
	f->ctx.now = fake_now;

	r = BENCH_OK;
	if (tc->setup != NULL)
		r = tc->setup(&f->ctx, &state);
	if (r == BENCH_OK) {
		r = tc->run(&f->ctx, state);
		if (tc->teardown != NULL)
			tc->teardown(&f->ctx, state);
	}
	json_decref(f->params);
	f->params = NULL;
	if (r == BENCH_FAILED)
		assert_true(f->failed);
	return r;
}

/* Index of metric name in f, or -1. */
static int
fake_find(const struct fake *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->name[i], name) == 0)
			return (int)i;
	return -1;
}

/* The value of metric name (must be there). */
static double
fake_metric(const struct fake *f, const char *name)
{
	int i = fake_find(f, name);

	if (i < 0)
		fail_msg("metric %s missing", name);
	return f->value[i];
}

/* Whether metric name is timing (must be there). */
static int
fake_timing(const struct fake *f, const char *name)
{
	int i = fake_find(f, name);

	if (i < 0)
		fail_msg("metric %s missing", name);
	return f->timing[i];
}

/* Every non-timing metric of a equals b's bit for bit, and the other way. */
static void
same_metrics(const struct fake *a, const struct fake *b)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		if (a->timing[i])
			continue;
		if (fake_timing(b, a->name[i]))
			fail_msg("%s timing in one, not the other", a->name[i]);
		if (memcmp(&a->value[i], &b->value[fake_find(b, a->name[i])],
		    sizeof(double)) != 0)
			fail_msg("%s: %.17g != %.17g", a->name[i], a->value[i],
			    fake_metric(b, a->name[i]));
	}
	for (i = 0; i < b->n; i++)
		if (!b->timing[i])
			(void)fake_metric(a, b->name[i]);
}

/* merge ctx: unit i's metric. */
static int
merge_unit_metric(struct bench_merge_ctx *ctx, size_t i, const char *name,
    double *out)
{
	struct fake_merge *m = (struct fake_merge *)ctx;
	int k;

	assert_true(i < ctx->nunits);
	k = fake_find(&m->units[i], name);
	if (k < 0)
		return -1;
	*out = m->units[i].value[k];
	return 0;
}

/* merge ctx: keep a merged metric. */
static void
merge_report(struct bench_merge_ctx *ctx, const char *name, double value,
    int timing)
{
	fake_store(&((struct fake_merge *)ctx)->out, name, value, timing);
}

/* merge ctx: keep the message. */
static void
merge_fail(struct bench_merge_ctx *ctx, const char *fmt, ...)
{
	struct fake_merge *m = (struct fake_merge *)ctx;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->out.msg, sizeof m->out.msg, fmt, ap);
	va_end(ap);
	m->out.failed = 1;
}

/* Merge n fake units with tc's merge into m->out. */
static int
fake_merge(const struct bench_testcase *tc, struct fake *units, size_t n,
    struct fake_merge *m)
{
	memset(m, 0, sizeof *m);
	m->ctx.abi_version = BENCH_TESTCASE_ABI_VERSION;
	m->ctx.testcase = tc->name;
	m->ctx.nunits = n;
	m->ctx.unit_metric = merge_unit_metric;
	m->ctx.report = merge_report;
	m->ctx.fail = merge_fail;
	m->units = units;
	return tc->merge(&m->ctx);
}

/* Otsu: a bimodal histogram splits between the modes; exact small cases. */
static void
test_otsu(void **unused)
{
	uint64_t hist[256];
	int i, t;

	memset(hist, 0, sizeof hist);
	for (i = -10; i <= 10; i++) {
		hist[60 + i] = (uint64_t)(1000 - 9 * i * i);
		hist[190 + i] = (uint64_t)(500 - 4 * i * i);
	}
	t = imgproc_otsu(hist, 256);
	assert_true(t >= 70 && t < 180);

	/* two spikes: every t between them separates equally, first wins */
	memset(hist, 0, sizeof hist);
	hist[2] = 10;
	hist[7] = 10;
	assert_int_equal(imgproc_otsu(hist, 16), 2);

	/* three spikes 0, 1, 9: the gap is between 1 and 9 */
	memset(hist, 0, sizeof hist);
	hist[0] = 10;
	hist[1] = 10;
	hist[9] = 10;
	assert_int_equal(imgproc_otsu(hist, 10), 1);

	/* one used bin, or none: no threshold */
	memset(hist, 0, sizeof hist);
	assert_int_equal(imgproc_otsu(hist, 256), -1);
	hist[5] = 100;
	assert_int_equal(imgproc_otsu(hist, 256), -1);
}

/* Dice and IoU of known masks; empty masks agree perfectly. */
static void
test_dice_iou(void **unused)
{
	const unsigned char pred[8] = { 1, 1, 0, 0, 1, 0, 1, 0 };
	const unsigned char truth[8] = { 1, 0, 0, 1, 1, 0, 1, 1 };
	const unsigned char none[8] = { 0 };
	struct imgproc_counts c = { 0, 0, 0, 0 };

	imgproc_confusion(pred, truth, 8, &c);
	assert_true(c.tp == 3 && c.fp == 1 && c.fn == 2 && c.tn == 2);
	assert_true(imgproc_dice((double)c.tp, (double)c.fp, (double)c.fn) ==
	    6.0 / 9.0);
	assert_true(imgproc_iou((double)c.tp, (double)c.fp, (double)c.fn) ==
	    3.0 / 6.0);
	/* accumulates */
	imgproc_confusion(pred, pred, 8, &c);
	assert_true(c.tp == 7 && c.fp == 1 && c.fn == 2 && c.tn == 6);

	memset(&c, 0, sizeof c);
	imgproc_confusion(none, none, 8, &c);
	assert_true(c.tn == 8);
	assert_true(imgproc_dice(0, 0, 0) == 1.0);
	assert_true(imgproc_iou(0, 0, 0) == 1.0);
	assert_true(imgproc_dice(0, 3, 0) == 0.0);
	assert_true(imgproc_iou(0, 0, 5) == 0.0);
}

/* 4-connected components of a hand-made mask, small ones dropped. */
static void
test_label(void **unused)
{
	static const char *const rows[] = {
		"##..#...",
		"##...#..",	/* diagonal to the one above: separate */
		"......#.",
		"###.....",
		"..#...##",
		"..###.##",
	};
	enum { W = 8, H = 6 };
	unsigned char mask[W * H], copy[W * H];
	int32_t labels[W * H];
	size_t x, y;

	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++)
			mask[y * W + x] = rows[y][x] == '#';
	memcpy(copy, mask, sizeof mask);

	/* components: 2x2 block, 3 single pixels, an L of 7, a 2x2 block */
	assert_int_equal(imgproc_label(mask, W, H, 1, labels), 6);
	assert_memory_equal(mask, copy, sizeof mask);
	assert_int_equal(labels[0], 1);
	assert_int_equal(labels[1 * W + 1], 1);
	assert_int_equal(labels[4], 2);		/* raster order */
	assert_int_equal(labels[1 * W + 5], 3);
	assert_int_equal(labels[2 * W + 6], 4);
	assert_int_equal(labels[5 * W + 4], 5);	/* the L */
	assert_int_equal(labels[4 * W + 6], 6);
	assert_int_equal(labels[2 * W + 0], 0);

	/* min_area 2 drops the single pixels, renumbers, clears the mask */
	assert_int_equal(imgproc_label(mask, W, H, 2, labels), 3);
	assert_int_equal(mask[4], 0);
	assert_int_equal(labels[4], 0);
	assert_int_equal(labels[3 * W + 0], 2);
	assert_int_equal(labels[5 * W + 7], 3);

	/* min_area 5 keeps only the L; nothing but background gives 0 */
	assert_int_equal(imgproc_label(mask, W, H, 5, labels), 1);
	assert_int_equal(labels[5 * W + 4], 1);
	assert_int_equal(labels[0], 0);
	memset(mask, 0, sizeof mask);
	assert_int_equal(imgproc_label(mask, W, H, 0, labels), 0);
}

/* The blur keeps the sum away from the border and spreads a spike. */
static void
test_blur(void **unused)
{
	enum { W = 40, H = 32 };
	static double in[W * H], out[W * H], tmp[W * H];
	double before = 0, after = 0;
	size_t i;

	memset(in, 0, sizeof in);
	in[16 * W + 20] = 100;
	in[12 * W + 14] = 7.5;
	in[20 * W + 25] = 3;
	for (i = 0; i < W * H; i++)
		before += in[i];
	imgproc_blur(in, out, tmp, W, H, 1.5);
	for (i = 0; i < W * H; i++) {
		after += out[i];
		assert_true(out[i] >= 0);
	}
	assert_true(fabs(after - before) < 1e-9 * before);
	assert_true(out[16 * W + 20] < 100 && out[16 * W + 20] > 5);
	assert_true(out[16 * W + 21] > 0);

	/* one spike: a symmetric spread */
	memset(in, 0, sizeof in);
	in[16 * W + 20] = 1;
	imgproc_blur(in, out, tmp, W, H, 1.5);
	assert_true(out[16 * W + 21] > 0);
	assert_true(fabs(out[16 * W + 21] - out[16 * W + 19]) < 1e-15);
	assert_true(fabs(out[15 * W + 20] - out[16 * W + 21]) < 1e-15);
	assert_true(out[16 * W + 26] == 0);	/* radius ceil(4.5) = 5 */
	assert_true(out[16 * W + 25] > 0);

	/* a constant image stays constant, border included; in place works */
	for (i = 0; i < W * H; i++)
		in[i] = 0.25;
	imgproc_blur(in, in, tmp, W, H, 2.0);
	for (i = 0; i < W * H; i++)
		assert_true(fabs(in[i] - 0.25) < 1e-12);

	/* sigma 0 copies */
	in[3] = 9;
	imgproc_blur(in, out, tmp, W, H, 0);
	assert_memory_equal(in, out, sizeof in);
}

/* cellseg: deterministic, accurate, partitions merge to one unit exactly. */
static void
test_cellseg(void **unused)
{
	static struct fake a, b, parts[3], one5, parts5[2];
	struct fake_merge m;
	static const char *const names[] = { "dice", "iou",
	    "cell_count_error", "tp", "fp", "fn", "tn", "cells_true",
	    "cells_found", "images", "count_abs_error" };
	size_t i;
	unsigned p;

	assert_int_equal(fake_run(&testcase_cellseg, "{}", 1, 0, 1, &a),
	    BENCH_OK);
	/* a different unit seed: the data come from data_seed */
	assert_int_equal(fake_run(&testcase_cellseg, "{}", 99, 0, 1, &b),
	    BENCH_OK);
	same_metrics(&a, &b);
	print_message("cellseg: dice %.4f iou %.4f count error %.3f "
	    "(%g true, %g found)\n", fake_metric(&a, "dice"),
	    fake_metric(&a, "iou"), fake_metric(&a, "cell_count_error"),
	    fake_metric(&a, "cells_true"), fake_metric(&a, "cells_found"));
	assert_true(fake_metric(&a, "dice") > 0.7);
	assert_true(fake_metric(&a, "iou") > 0.5);
	assert_true(fake_metric(&a, "iou") < fake_metric(&a, "dice"));
	assert_true(fake_metric(&a, "images") == 4);
	assert_true(fake_metric(&a, "cells_true") > 4 * 6);
	assert_true(fake_metric(&a, "tp") + fake_metric(&a, "fp") +
	    fake_metric(&a, "fn") + fake_metric(&a, "tn") == 4 * 128 * 128);
	assert_true(fake_timing(&a, "images_per_s"));
	assert_false(fake_timing(&a, "dice"));
	assert_false(fake_timing(&a, "tp"));

	/* nparts 3: units of 2, 1, 1 images; merged == the single unit */
	for (p = 0; p < 3; p++)
		assert_int_equal(fake_run(&testcase_cellseg, "{}", 10 + p, p,
		    3, &parts[p]), BENCH_OK);
	assert_true(fake_metric(&parts[0], "images") == 2);
	assert_true(fake_metric(&parts[2], "images") == 1);
	assert_int_equal(fake_merge(&testcase_cellseg, parts, 3, &m),
	    BENCH_OK);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (fake_metric(&m.out, names[i]) != fake_metric(&a, names[i]))
			fail_msg("merged %s %.17g != %.17g", names[i],
			    fake_metric(&m.out, names[i]),
			    fake_metric(&a, names[i]));
		assert_false(fake_timing(&m.out, names[i]));
	}
	same_metrics(&a, &m.out);
	/* the merge of a single unit is the unit */
	assert_int_equal(fake_merge(&testcase_cellseg, &a, 1, &m), BENCH_OK);
	same_metrics(&a, &m.out);

	/* other parameters: 5 images in 2 parts, fixed threshold, 8 cells */
	assert_int_equal(fake_run(&testcase_cellseg, "{\"images\":5,"
	    "\"image_size\":64,\"cells\":8,\"threshold\":0.3,"
	    "\"data_seed\":3,\"blur_sigma\":1}", 1, 0, 1, &one5), BENCH_OK);
	for (p = 0; p < 2; p++)
		assert_int_equal(fake_run(&testcase_cellseg, "{\"images\":5,"
		    "\"image_size\":64,\"cells\":8,\"threshold\":0.3,"
		    "\"data_seed\":3,\"blur_sigma\":1}", 5, p, 2, &parts5[p]),
		    BENCH_OK);
	assert_int_equal(fake_merge(&testcase_cellseg, parts5, 2, &m),
	    BENCH_OK);
	same_metrics(&one5, &m.out);
	/* and the data differ from the defaults' */
	assert_true(fake_metric(&one5, "tp") != fake_metric(&a, "tp"));

	/* a different data_seed gives different data */
	assert_int_equal(fake_run(&testcase_cellseg, "{\"data_seed\":43}", 1,
	    0, 1, &b), BENCH_OK);
	assert_true(fake_metric(&b, "tp") != fake_metric(&a, "tp") ||
	    fake_metric(&b, "fp") != fake_metric(&a, "fp"));

	/* a unit without the counts cannot be merged */
	parts[1].n = 0;
	assert_int_equal(fake_merge(&testcase_cellseg, parts, 3, &m),
	    BENCH_FAILED);
	assert_non_null(strstr(m.out.msg, "unit 1 has no metric"));
}

/* cellseg refuses bad parameters, saying which. */
static void
test_cellseg_params(void **unused)
{
	static const char *const bad[][2] = {
		{ "{\"image_size\":4}", "image_size" },
		{ "{\"images\":0}", "images" },
		{ "{\"cells\":-1}", "cells" },
		{ "{\"blur_sigma\":-1}", "blur_sigma" },
		{ "{\"threshold\":1.5}", "threshold" },
		{ "{\"noise\":-0.1}", "noise" },
		{ "{\"min_area\":-3}", "min_area" },
	};
	static struct fake f;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(fake_run(&testcase_cellseg, bad[i][0], 1, 0, 1,
		    &f), BENCH_FAILED);
		assert_non_null(strstr(f.msg, bad[i][1]));
		assert_int_equal(f.n, 0);
	}
	/* no cells at all: nothing to find, nothing found, still fine */
	assert_int_equal(fake_run(&testcase_cellseg, "{\"cells\":0,"
	    "\"images\":1,\"image_size\":32}", 1, 0, 1, &f), BENCH_OK);
	assert_true(fake_metric(&f, "cells_true") == 0);
	assert_true(fake_metric(&f, "tp") == 0);
}

/* The naive convolution, in double. */
static void
naive_conv(const struct conv2d_shape *s, const float *in, const float *w,
    double *out)
{
	size_t ho = conv2d_out_size(s), n, k, c, y, x, r, q;
	long iy, ix;
	double acc;

	for (n = 0; n < s->batch; n++)
	for (k = 0; k < s->out_channels; k++)
	for (y = 0; y < ho; y++)
	for (x = 0; x < ho; x++) {
		acc = 0;
		for (c = 0; c < s->channels; c++)
		for (r = 0; r < s->kernel; r++)
		for (q = 0; q < s->kernel; q++) {
			iy = (long)(y * s->stride + r) - (long)s->pad;
			ix = (long)(x * s->stride + q) - (long)s->pad;
			if (iy < 0 || ix < 0 || iy >= (long)s->size ||
			    ix >= (long)s->size)
				continue;
			acc += (double)in[((n * s->channels + c) * s->size +
			    (size_t)iy) * s->size + (size_t)ix] *
			    (double)w[((k * s->channels + c) * s->kernel + r) *
			    s->kernel + q];
		}
		out[((n * s->out_channels + k) * ho + y) * ho + x] = acc;
	}
}

/* conv2d: the kernel against the naive reference; the unit's checksum. */
static void
test_conv2d(void **unused)
{
	struct conv2d_shape s = { 2, 3, 2, 5, 3, 2, 1 };
	static float in[2 * 3 * 8 * 8], w[4 * 3 * 5 * 5], out[2 * 4 * 8 * 8];
	static double want[2 * 4 * 8 * 8];
	static struct fake a, b, c;
	const float one[1] = { 2.0f }, id[1] = { 1.5f };
	float o[1];
	uint64_t rng = 5;
	size_t i, nout;
	double sum;

	assert_int_equal(conv2d_out_size(&s), 3);
	for (i = 0; i < 2 * 3 * 5 * 5; i++)
		in[i] = (float)(2 * rng_unit(&rng) - 1);
	for (i = 0; i < 2 * 3 * 3 * 3; i++)
		w[i] = (float)(2 * rng_unit(&rng) - 1);
	conv2d_direct(&s, in, w, out);
	naive_conv(&s, in, w, want);
	for (i = 0; i < 2 * 2 * 3 * 3; i++)
		assert_true(fabs((double)out[i] - want[i]) < 1e-5);

	/* a 1x1 kernel scales */
	s = (struct conv2d_shape){ 1, 1, 1, 1, 1, 1, 0 };
	conv2d_direct(&s, one, id, o);
	assert_true(o[0] == 3.0f);
	/* a kernel that does not fit */
	s = (struct conv2d_shape){ 1, 1, 1, 2, 5, 1, 0 };
	assert_int_equal(conv2d_out_size(&s), 0);

	/* the unit: checksum = sum of the reference outputs from the seed */
	assert_int_equal(fake_run(&testcase_conv2d, "{\"channels\":3,"
	    "\"out_channels\":4,\"size\":8,\"kernel\":5,\"batch\":2}", 77, 0,
	    1, &a), BENCH_OK);
	s = (struct conv2d_shape){ 2, 3, 4, 8, 5, 1, 2 };
	rng = 77;
	for (i = 0; i < 2 * 3 * 8 * 8; i++)
		in[i] = (float)(2.0 * rng_unit(&rng) - 1.0);
	for (i = 0; i < 4 * 3 * 5 * 5; i++)
		w[i] = (float)(2.0 * rng_unit(&rng) - 1.0);
	naive_conv(&s, in, w, want);
	nout = 2 * 4 * 8 * 8;
	for (sum = 0, i = 0; i < nout; i++)
		sum += want[i];
	assert_true(fabs(fake_metric(&a, "checksum") - sum) < 1e-3);
	assert_false(fake_timing(&a, "checksum"));
	assert_true(fake_timing(&a, "gflops") && fake_metric(&a, "gflops") > 0);
	assert_true(fake_timing(&a, "seconds"));

	/* deterministic, seed-dependent, defaults work */
	assert_int_equal(fake_run(&testcase_conv2d, "{\"channels\":3,"
	    "\"out_channels\":4,\"size\":8,\"kernel\":5,\"batch\":2,"
	    "\"reps\":2}", 77, 0, 1, &b), BENCH_OK);
	same_metrics(&a, &b);
	assert_int_equal(fake_run(&testcase_conv2d, "{}", 78, 0, 1, &c),
	    BENCH_OK);
	assert_true(isfinite(fake_metric(&c, "checksum")));
	assert_true(fake_metric(&c, "checksum") !=
	    fake_metric(&a, "checksum"));

	/* refusals */
	assert_int_equal(fake_run(&testcase_conv2d, "{\"kernel\":0}", 1, 0, 1,
	    &c), BENCH_FAILED);
	assert_non_null(strstr(c.msg, "kernel must be"));
	assert_int_equal(fake_run(&testcase_conv2d, "{\"size\":2,\"kernel\":5,"
	    "\"pad\":0}", 1, 0, 1, &c), BENCH_FAILED);
	assert_non_null(strstr(c.msg, "does not fit"));
	assert_int_equal(fake_run(&testcase_conv2d, "{\"pad\":-2}", 1, 0, 1,
	    &c), BENCH_FAILED);
	assert_int_equal(fake_run(&testcase_conv2d, "{\"size\":4096,"
	    "\"channels\":4096}", 1, 0, 1, &c), BENCH_FAILED);
	assert_non_null(strstr(c.msg, "too large"));
}

/* memhog: touches what it was asked; refuses bad parameters. */
static void
test_memhog(void **unused)
{
	static struct fake f;

	assert_int_equal(fake_run(&testcase_memhog, "{\"mib\":8,"
	    "\"seconds\":0.05}", 1, 0, 1, &f), BENCH_OK);
	assert_true(fake_metric(&f, "touched_mib") == 8);
	assert_false(fake_timing(&f, "touched_mib"));
	assert_true(fake_timing(&f, "peak_rss_kb"));
	assert_true(fake_metric(&f, "peak_rss_kb") >= 8 * 1024);
	assert_true(fake_metric(&f, "seconds") >= 0.05);

	assert_int_equal(fake_run(&testcase_memhog, "{\"mib\":0,"
	    "\"seconds\":0}", 1, 0, 1, &f), BENCH_OK);
	assert_true(fake_metric(&f, "touched_mib") == 0);

	assert_int_equal(fake_run(&testcase_memhog, "{\"mib\":-1}", 1, 0, 1,
	    &f), BENCH_FAILED);
	assert_non_null(strstr(f.msg, "mib must be"));
	assert_int_equal(fake_run(&testcase_memhog, "{\"seconds\":-1}", 1, 0,
	    1, &f), BENCH_FAILED);
	assert_non_null(strstr(f.msg, "seconds must be"));
}

/* memhog under RLIMIT_AS: the failure says ENOMEM (not under ASan, whose
   shadow memory needs the address space). */
static void
test_memhog_enomem(void **unused)
{
#ifdef UNDER_ASAN
	skip();
#else
	static struct fake f;
	struct rlimit rl;
	unsigned long vsz = 0;
	FILE *fp;
	pid_t pid;
	int status, r;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fp = fopen("/proc/self/statm", "re");
		if (fp == NULL || fscanf(fp, "%lu", &vsz) != 1)
			_exit(10);
		fclose(fp);
		rl.rlim_cur = rl.rlim_max = (rlim_t)vsz *
		    (rlim_t)sysconf(_SC_PAGESIZE) + ((rlim_t)64 << 20);
		if (setrlimit(RLIMIT_AS, &rl) != 0)
			_exit(11);
		r = fake_run(&testcase_memhog, "{\"mib\":1024,"
		    "\"seconds\":0}", 1, 0, 1, &f);
		if (r != BENCH_FAILED)
			_exit(12);
		_exit(strstr(f.msg, "ENOMEM") != NULL ? 0 : 13);
	}
	while (waitpid(pid, &status, 0) == -1)
		assert_int_equal(errno, EINTR);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
#endif
}

/* logreg: accurate and deterministic; the seeds do what they say. */
static void
test_logreg(void **unused)
{
	static struct fake a, b, c;

	assert_int_equal(fake_run(&testcase_logreg, "{}", 1, 0, 1, &a),
	    BENCH_OK);
	print_message("logreg: accuracy %.4f loss %.4f\n",
	    fake_metric(&a, "accuracy"), fake_metric(&a, "loss"));
	assert_true(fake_metric(&a, "accuracy") > 0.8);
	assert_true(fake_metric(&a, "loss") > 0 &&
	    fake_metric(&a, "loss") < log(2.0));
	assert_false(fake_timing(&a, "accuracy"));
	assert_false(fake_timing(&a, "loss"));
	assert_true(fake_timing(&a, "train_seconds"));

	/* another unit seed, part and nparts: the same model */
	assert_int_equal(fake_run(&testcase_logreg, "{}", 12345, 1, 3, &b),
	    BENCH_OK);
	same_metrics(&a, &b);

	/* train_seed changes the order, so the loss */
	assert_int_equal(fake_run(&testcase_logreg, "{\"train_seed\":2}", 1, 0,
	    1, &c), BENCH_OK);
	assert_true(fake_metric(&c, "loss") != fake_metric(&a, "loss"));
	/* no separation: chance level */
	assert_int_equal(fake_run(&testcase_logreg, "{\"separation\":0}", 1, 0,
	    1, &c), BENCH_OK);
	assert_true(fake_metric(&c, "accuracy") < 0.65);
	/* zero epochs: the zero model, loss log 2 */
	assert_int_equal(fake_run(&testcase_logreg, "{\"epochs\":0}", 1, 0, 1,
	    &c), BENCH_OK);
	assert_true(fabs(fake_metric(&c, "loss") - log(2.0)) < 1e-12);

	assert_int_equal(fake_run(&testcase_logreg, "{\"batch_size\":0}", 1, 0,
	    1, &c), BENCH_FAILED);
	assert_non_null(strstr(c.msg, "batch_size"));
	assert_int_equal(fake_run(&testcase_logreg, "{\"lr\":0}", 1, 0, 1, &c),
	    BENCH_FAILED);
	assert_int_equal(fake_run(&testcase_logreg, "{\"label_noise\":2}", 1,
	    0, 1, &c), BENCH_FAILED);
}

/* The reusable kernel: data, slices, epochs, prediction. */
static void
test_logreg_kernel(void **unused)
{
	struct logreg_gen g = { 400, 4, 4.0, 0.0, 3 };
	struct logreg_data d1, d2, tr, te;
	struct logreg_model m1, m2;
	struct logreg_opts o = { 5, 16, 0.2, 0.0, 9 };
	double acc1, loss1, acc2, loss2, p;
	uint64_t rng = 9;
	size_t e;

	assert_int_equal(logreg_make_data(&d1, &g), 0);
	assert_int_equal(logreg_make_data(&d2, &g), 0);
	assert_int_equal(d1.n, 400);
	assert_memory_equal(d1.x, d2.x, 400 * 4 * sizeof(double));
	assert_memory_equal(d1.y, d2.y, 400);
	logreg_slice(&d1, 300, 500, &te);
	assert_int_equal(te.n, 100);
	assert_ptr_equal(te.x, d1.x + 300 * 4);
	logreg_slice(&d1, 0, 300, &tr);

	/* logreg_train == its epochs one by one */
	assert_int_equal(logreg_model_init(&m1, 4), 0);
	assert_int_equal(logreg_model_init(&m2, 4), 0);
	logreg_eval(&m1, &te, &acc1, &loss1);
	assert_true(fabs(loss1 - log(2.0)) < 1e-15);
	p = logreg_predict(&m1, d1.x);
	assert_true(p == 0.5);
	assert_int_equal(logreg_train(&m1, &tr, &o), 0);
	for (e = 0; e < o.epochs; e++)
		assert_int_equal(logreg_train_epoch(&m2, &tr, o.batch_size,
		    o.lr, o.l2, &rng), 0);
	assert_memory_equal(m1.w, m2.w, 4 * sizeof(double));
	assert_true(m1.b == m2.b);
	logreg_eval(&m1, &te, &acc1, &loss1);
	logreg_eval(&m2, &te, &acc2, &loss2);
	assert_true(acc1 == acc2 && loss1 == loss2);
	assert_true(acc1 > 0.9);	/* separation 4, no label noise */
	logreg_eval(&m1, &te, NULL, NULL);

	/* an empty data set */
	logreg_slice(&d1, 400, 10, &te);
	assert_int_equal(te.n, 0);
	logreg_eval(&m1, &te, &acc1, &loss1);
	assert_true(acc1 == 0 && loss1 == 0);
	assert_int_equal(logreg_train_epoch(&m1, &te, 4, 0.1, 0, &rng), 0);

	logreg_model_free(&m1);
	logreg_model_free(&m2);
	logreg_data_free(&te);		/* a view: nothing freed */
	logreg_data_free(&d1);
	logreg_data_free(&d2);
	assert_null(d1.x);
}

/* The registry lists the four workloads. */
static void
test_registry(void **unused)
{
	assert_ptr_equal(registry_find("cellseg"), &testcase_cellseg);
	assert_ptr_equal(registry_find("conv2d"), &testcase_conv2d);
	assert_ptr_equal(registry_find("memhog"), &testcase_memhog);
	assert_ptr_equal(registry_find("logreg"), &testcase_logreg);
	assert_non_null(testcase_cellseg.merge);
	assert_null(testcase_conv2d.merge);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_otsu),
		cmocka_unit_test(test_dice_iou),
		cmocka_unit_test(test_label),
		cmocka_unit_test(test_blur),
		cmocka_unit_test(test_cellseg),
		cmocka_unit_test(test_cellseg_params),
		cmocka_unit_test(test_conv2d),
		cmocka_unit_test(test_memhog),
		cmocka_unit_test(test_memhog_enomem),
		cmocka_unit_test(test_logreg),
		cmocka_unit_test(test_logreg_kernel),
		cmocka_unit_test(test_registry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
