/*
 * logreg: builtin:logreg, logistic regression by mini-batch SGD (see
 * logreg.h for the kernel). The data set comes from data_seed and the
 * shuffling from train_seed, not from the unit's seed, so every partition,
 * repetition and retry trains the same model: accuracy and loss on the test
 * set (the last 20%) are the same bit for bit; train_seconds is timing.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bench/testcase.h>

#include "logreg.h"
#include "rng.h"
#include "banned.h"

#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

#define LOGREG_SAMPLES_MAX	100000000
#define LOGREG_FEATURES_MAX	100000
#define LOGREG_EPOCHS_MAX	1000000
#define LOGREG_PI		3.14159265358979323846


static const struct bench_param_spec logreg_params[] = {
	{ "n_samples", BENCH_PARAM_INT, "2000", "samples (80% train)" },
	{ "n_features", BENCH_PARAM_INT, "16", "features" },
	{ "separation", BENCH_PARAM_REAL, "3",
	    "distance between the class means (unit variance)" },
	{ "label_noise", BENCH_PARAM_REAL, "0.05", "label flip probability" },
	{ "epochs", BENCH_PARAM_INT, "10", "passes over the training set" },
	{ "batch_size", BENCH_PARAM_INT, "32", "mini-batch size" },
	{ "lr", BENCH_PARAM_REAL, "0.1", "learning rate" },
	{ "l2", BENCH_PARAM_REAL, "0", "L2 weight decay" },
	{ "data_seed", BENCH_PARAM_INT, "7", "seed of the data set" },
	{ "train_seed", BENCH_PARAM_INT, "1", "seed of the shuffling" },
	{ NULL, 0, NULL, NULL },
};

/* A standard normal deviate (Box-Muller, one of the pair). */
static double
logreg_gauss(uint64_t *rng)
{
	double u1 = 1.0 - rng_unit(rng), u2 = rng_unit(rng);

	return sqrt(-2.0 * log(u1)) * cos(2.0 * LOGREG_PI * u2);
}

/* Draw the data set described by g. */
int
logreg_make_data(struct logreg_data *data, const struct logreg_gen *g)
{
	uint64_t rng = g->seed;
	double *u, norm = 0, shift;
	size_t i, j, d = g->n_features;

	memset(data, 0, sizeof *data);
	u = malloc((d > 0 ? d : 1) * sizeof *u);
	data->x = malloc((g->n_samples * d > 0 ? g->n_samples * d : 1) *
	    sizeof *data->x);
	data->y = malloc(g->n_samples > 0 ? g->n_samples : 1);
	if (u == NULL || data->x == NULL || data->y == NULL) {
		free(u);
		free(data->x);
		free(data->y);
		memset(data, 0, sizeof *data);
		return -1;
	}
	data->n = g->n_samples;
	data->d = d;
	data->owned = 1;

	(void)rng_next(&rng);
	for (j = 0; j < d; j++) {
		u[j] = logreg_gauss(&rng);
		norm += u[j] * u[j];
	}
	norm = sqrt(norm);
	for (j = 0; j < d; j++)
		u[j] = norm > 0 ? u[j] / norm : 0;
	for (i = 0; i < data->n; i++) {
		data->y[i] = rng_unit(&rng) < 0.5 ? 0 : 1;
		shift = (data->y[i] ? 0.5 : -0.5) * g->separation;
		for (j = 0; j < d; j++)
			data->x[i * d + j] = logreg_gauss(&rng) + shift * u[j];
		if (rng_unit(&rng) < g->label_noise)
			data->y[i] = !data->y[i];
	}
	free(u);
	return 0;
}

/* Free an owned data set. */
void
logreg_data_free(struct logreg_data *data)
{
	if (data->owned) {
		free(data->x);
		free(data->y);
	}
	memset(data, 0, sizeof *data);
}

/* A view of count samples from start. */
void
logreg_slice(const struct logreg_data *data, size_t start, size_t count,
    struct logreg_data *out)
{
	if (start > data->n)
		start = data->n;
	if (count > data->n - start)
		count = data->n - start;
	out->n = count;
	out->d = data->d;
	out->x = data->x + start * data->d;
	out->y = data->y + start;
	out->owned = 0;
}

/* A zero model. */
int
logreg_model_init(struct logreg_model *m, size_t d)
{
	m->d = d;
	m->b = 0;
	m->w = calloc(d > 0 ? d : 1, sizeof *m->w);
	return m->w == NULL ? -1 : 0;
}

/* Free the weights. */
void
logreg_model_free(struct logreg_model *m)
{
	free(m->w);
	m->w = NULL;
	m->d = 0;
}

/* w . x + b. */
static double
logreg_logit(const struct logreg_model *m, const double *x)
{
	double z = m->b;
	size_t j;

	for (j = 0; j < m->d; j++)
		z += m->w[j] * x[j];
	return z;
}

/* The logistic function, without overflow. */
static double
logreg_sigmoid(double z)
{
	double e;

	if (z >= 0)
		return 1.0 / (1.0 + exp(-z));
	e = exp(z);
	return e / (1.0 + e);
}

/* p(y = 1 | x). */
double
logreg_predict(const struct logreg_model *m, const double *x)
{
	return logreg_sigmoid(logreg_logit(m, x));
}

/* One epoch of shuffled mini-batch SGD. */
int
logreg_train_epoch(struct logreg_model *m, const struct logreg_data *data,
    size_t batch_size, double lr, double l2, uint64_t *rng)
{
	size_t *perm, *p, i, j, k, start, end, d = m->d, tmp;
	double *grad, gb, err;
	const double *x;

	if (data->n == 0)
		return 0;
	if (batch_size == 0)
		batch_size = 1;
	perm = malloc(data->n * sizeof *perm);
	grad = malloc((d > 0 ? d : 1) * sizeof *grad);
	if (perm == NULL || grad == NULL) {
		free(perm);
		free(grad);
		return -1;
	}
	/* Fisher-Yates; the modulo bias is negligible and deterministic */
	for (i = 0; i < data->n; i++)
		perm[i] = i;
	for (i = data->n - 1; i > 0; i--) {
		k = (size_t)(rng_next(rng) % (uint64_t)(i + 1));
		tmp = perm[i];
		perm[i] = perm[k];
		perm[k] = tmp;
	}
	for (start = 0; start < data->n; start = end) {
		end = start + batch_size < data->n ? start + batch_size :
		    data->n;
		memset(grad, 0, (d > 0 ? d : 1) * sizeof *grad);
		gb = 0;
		for (p = perm + start; p < perm + end; p++) {
			x = data->x + *p * d;
			err = logreg_predict(m, x) - (double)data->y[*p];
			for (j = 0; j < d; j++)
				grad[j] += err * x[j];
			gb += err;
		}
		for (j = 0; j < d; j++)
			m->w[j] -= lr * (grad[j] / (double)(end - start) +
			    l2 * m->w[j]);
		m->b -= lr * gb / (double)(end - start);
	}
	free(perm);
	free(grad);
	return 0;
}

/* Train for opts->epochs epochs. */
int
logreg_train(struct logreg_model *m, const struct logreg_data *data,
    const struct logreg_opts *opts)
{
	uint64_t rng = opts->seed;
	size_t e;

	for (e = 0; e < opts->epochs; e++) {
		if (logreg_train_epoch(m, data, opts->batch_size, opts->lr,
		    opts->l2, &rng) != 0)
			return -1;
	}
	return 0;
}

/* Accuracy and mean log loss (computed from the logit, no clipping). */
void
logreg_eval(const struct logreg_model *m, const struct logreg_data *data,
    double *accuracy, double *loss)
{
	double z, correct = 0, sum = 0;
	size_t i;
	int y;

	for (i = 0; i < data->n; i++) {
		z = logreg_logit(m, data->x + i * data->d);
		y = data->y[i] != 0;
		if ((z >= 0) == y)
			correct++;
		/* -log p(y | x) = log(1 + e^z) - y z, stably */
		sum += (z > 0 ? z : 0) + log1p(exp(-fabs(z))) -
		    (y ? z : 0);
	}
	if (accuracy != NULL)
		*accuracy = data->n > 0 ? correct / (double)data->n : 0;
	if (loss != NULL)
		*loss = data->n > 0 ? sum / (double)data->n : 0;
}

/* Read one integer parameter in lo..hi into *out; 0 or -1 (failed). */
static int
logreg_int(struct bench_ctx *ctx, const char *name, int64_t dflt, int64_t lo,
    int64_t hi, int64_t *out)
{
	*out = bench_param_int(ctx, name, dflt);
	if (*out < lo || *out > hi) {
		bench_fail(ctx, "%s must be %lld..%lld, not %lld", name,
		    (long long)lo, (long long)hi, (long long)*out);
		return -1;
	}
	return 0;
}

/* Read and check the parameters; draw the data and split it 80/20. */
static int
logreg_setup(struct bench_ctx *ctx, void **state)
{
	struct logreg_unit *st;
	struct logreg_gen g;
	int64_t n, d, epochs, batch, dseed, tseed;
	double sep, noise, lr, l2;
	size_t ntrain;

	if (logreg_int(ctx, "n_samples", 2000, 2, LOGREG_SAMPLES_MAX,
	    &n) != 0 ||
	    logreg_int(ctx, "n_features", 16, 1, LOGREG_FEATURES_MAX,
	    &d) != 0 ||
	    logreg_int(ctx, "epochs", 10, 0, LOGREG_EPOCHS_MAX, &epochs) != 0 ||
	    logreg_int(ctx, "batch_size", 32, 1, LOGREG_SAMPLES_MAX,
	    &batch) != 0 ||
	    logreg_int(ctx, "data_seed", 7, INT64_MIN, INT64_MAX,
	    &dseed) != 0 ||
	    logreg_int(ctx, "train_seed", 1, INT64_MIN, INT64_MAX,
	    &tseed) != 0)
		return BENCH_FAILED;
	sep = bench_param_real(ctx, "separation", 3.0);
	noise = bench_param_real(ctx, "label_noise", 0.05);
	lr = bench_param_real(ctx, "lr", 0.1);
	l2 = bench_param_real(ctx, "l2", 0.0);
	if (!(sep >= 0 && sep <= 1e6)) {
		bench_fail(ctx, "separation must be 0..1e6, not %g", sep);
		return BENCH_FAILED;
	}
	if (!(noise >= 0 && noise <= 1)) {
		bench_fail(ctx, "label_noise must be 0..1, not %g", noise);
		return BENCH_FAILED;
	}
	if (!(lr > 0 && lr <= 1e6)) {
		bench_fail(ctx, "lr must be > 0, not %g", lr);
		return BENCH_FAILED;
	}
	if (!(l2 >= 0 && l2 <= 1e6)) {
		bench_fail(ctx, "l2 must be >= 0, not %g", l2);
		return BENCH_FAILED;
	}
	if ((double)n * (double)d > (double)(SIZE_MAX / 16)) {
		bench_fail(ctx, "n_samples x n_features too large");
		return BENCH_FAILED;
	}

	st = calloc(1, sizeof *st);
	if (st == NULL) {
		bench_fail(ctx, "out of memory: ENOMEM");
		return BENCH_FAILED;
	}
	g.n_samples = (size_t)n;
	g.n_features = (size_t)d;
	g.separation = sep;
	g.label_noise = noise;
	g.seed = (uint64_t)dseed;
	st->gen = g;
	if (logreg_make_data(&st->all, &g) != 0) {
		free(st);
		bench_fail(ctx, "out of memory for %lld x %lld samples: "
		    "ENOMEM", (long long)n, (long long)d);
		return BENCH_FAILED;
	}
	ntrain = (size_t)n * 4 / 5;
	logreg_slice(&st->all, 0, ntrain, &st->train);
	logreg_slice(&st->all, ntrain, (size_t)n - ntrain, &st->test);
	st->opts.epochs = (size_t)epochs;
	st->opts.batch_size = (size_t)batch;
	st->opts.lr = lr;
	st->opts.l2 = l2;
	st->opts.seed = (uint64_t)tseed;
	*state = st;
	return BENCH_OK;
}

/* Train, timed; evaluate on the test set. */
static int
logreg_run(struct bench_ctx *ctx, void *state)
{
	struct logreg_unit *st = state;
	struct logreg_model m;
	double t0, seconds, acc, loss, tacc, tloss;

	if (logreg_model_init(&m, st->all.d) != 0) {
		bench_fail(ctx, "out of memory for the model: ENOMEM");
		return BENCH_FAILED;
	}
	t0 = ctx->now();
	if (logreg_train(&m, &st->train, &st->opts) != 0) {
		logreg_model_free(&m);
		bench_fail(ctx, "out of memory training: ENOMEM");
		return BENCH_FAILED;
	}
	seconds = ctx->now() - t0;
	logreg_eval(&m, &st->test, &acc, &loss);
	logreg_eval(&m, &st->train, &tacc, &tloss);
	logreg_model_free(&m);

	bench_report(ctx, "accuracy", acc);
	bench_report(ctx, "loss", loss);
	bench_report(ctx, "train_accuracy", tacc);
	bench_report(ctx, "train_loss", tloss);
	bench_report_timing(ctx, "train_seconds", seconds);
	return BENCH_OK;
}

/* Free the data set. */
static void
logreg_teardown(struct bench_ctx *ctx, void *state)
{
	struct logreg_unit *st = state;

	logreg_data_free(&st->all);
	free(st);
}

const struct bench_testcase testcase_logreg = {
	.abi_version = BENCH_TESTCASE_ABI_VERSION,
	.name = "logreg",
	.description = "logistic regression by mini-batch SGD on a synthetic "
	    "two-class data set",
	.params = logreg_params,
	.setup = logreg_setup,
	.run = logreg_run,
	.teardown = logreg_teardown,
	.merge = NULL,
};
