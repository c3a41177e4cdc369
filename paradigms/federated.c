/*
 * federatedlearning: FedAvg, or FedProx when mu > 0, over `clients`
 * simulated clients and `rounds` rounds. The training set is split among
 * the clients non-IID: per class, proportions drawn from a Dirichlet(non_iid)
 * distribution (small non_iid: each client sees mostly one class). Each
 * round every client starts from the global model and trains local_epochs
 * epochs on its own data (FedProx adds mu/2 |w - w_global|^2 to the loss);
 * the server then averages the client models weighted by their sample
 * counts. Clients are trained in an order drawn from the round's seed, as
 * if they finished in any order, and aggregated in client order, so the
 * global model is the same bits whatever the finishing order.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logreg.h"
#include "paradigm.h"
#include "rng.h"
#include "banned.h"

#define FED_CLIENTS_MAX 1024
#define FED_PI 3.14159265358979323846

/* Average K models of d+1 values weighted by n[k], in client order. */
void
federated_aggregate(size_t k, size_t d, const double *const *w,
    const size_t *n, double *out)
{
	size_t i, j, total = 0;

	for (i = 0; i < k; i++)
		total += n[i];
	memset(out, 0, (d + 1) * sizeof *out);
	if (total == 0)
		return;
	for (i = 0; i < k; i++) {
		for (j = 0; j <= d; j++)
			out[j] += (double)n[i] / (double)total * w[i][j];
	}
}

/* A standard normal deviate. */
static double
fed_gauss(uint64_t *rng)
{
	double u1 = 1.0 - rng_unit(rng), u2 = rng_unit(rng);

	return sqrt(-2.0 * log(u1)) * cos(2.0 * FED_PI * u2);
}

/* Gamma(a, 1) by Marsaglia and Tsang (a < 1 through a + 1). */
static double
fed_gamma(double a, uint64_t *rng)
{
	double d, c, x, v, u;

	if (a < 1)
		return fed_gamma(a + 1, rng) * pow(1.0 - rng_unit(rng), 1 / a);
	d = a - 1.0 / 3;
	c = 1 / sqrt(9 * d);
	for (;;) {
		do {
			x = fed_gauss(rng);
			v = 1 + c * x;
		} while (v <= 0);
		v = v * v * v;
		u = 1.0 - rng_unit(rng);
		if (log(u) < 0.5 * x * x + d - d * v + d * log(v))
			return d * v;
	}
}

/* One client's data: its rows copied out of the training set. */
struct fed_client {
	struct logreg_data	 data;
	double			*w;	/* d weights + bias */
};

/* Split train among k clients, per class by Dirichlet(alpha). */
static int
fed_split(const struct logreg_data *train, size_t k, double alpha,
    uint64_t seed, struct fed_client *cl)
{
	size_t *count = calloc(k, sizeof *count), *fill, c, i, j, nc, given;
	double *q = calloc(k, sizeof *q), sum;
	uint64_t rng = seed;
	size_t (*take)[2] = calloc(k, sizeof *take);
	int rc = -1;

	fill = calloc(k, sizeof *fill);
	if (count == NULL || q == NULL || take == NULL || fill == NULL)
		goto out;
	for (c = 0; c < 2; c++) {
		for (nc = 0, i = 0; i < train->n; i++)
			nc += train->y[i] == c;
		for (sum = 0, j = 0; j < k; j++)
			sum += q[j] = fed_gamma(alpha, &rng);
		for (given = 0, j = 0; j < k; j++) {
			take[j][c] = j + 1 == k ? nc - given :
			    (size_t)floor(q[j] / sum * (double)nc);
			if (given + take[j][c] > nc)
				take[j][c] = nc - given;
			given += take[j][c];
			count[j] += take[j][c];
		}
	}
	for (j = 0; j < k; j++) {
		cl[j].data.n = count[j];
		cl[j].data.d = train->d;
		cl[j].data.owned = 1;
		cl[j].data.x = malloc((count[j] + 1) * train->d *
		    sizeof *cl[j].data.x);
		cl[j].data.y = malloc(count[j] + 1);
		cl[j].w = calloc(train->d + 1, sizeof *cl[j].w);
		if (cl[j].data.x == NULL || cl[j].data.y == NULL ||
		    cl[j].w == NULL)
			goto out;
	}
	/* deal class c's samples, in data order, to clients in order */
	for (c = 0; c < 2; c++) {
		j = 0;
		given = 0;
		for (i = 0; i < train->n; i++) {
			if (train->y[i] != c)
				continue;
			while (j < k && given == take[j][c]) {
				j++;
				given = 0;
			}
			if (j == k)
				break;
			memcpy(cl[j].data.x + fill[j] * train->d,
			    train->x + i * train->d,
			    train->d * sizeof *train->x);
			cl[j].data.y[fill[j]] = (unsigned char)c;
			fill[j]++;
			given++;
		}
	}
	rc = 0;
out:
	free(count);
	free(q);
	free(take);
	free(fill);
	return rc;
}

/* Local training of one client from the global model g (d + 1 values):
   mini-batch SGD with the proximal term mu (w - g). */
static int
fed_local(struct fed_client *cl, const double *g, size_t epochs,
    size_t batch, double lr, double l2, double mu, uint64_t seed)
{
	const struct logreg_data *dt = &cl->data;
	size_t d = dt->d, *idx, e, i, j, s, end;
	double *grad, p, err;
	uint64_t rng = seed;
	struct logreg_model m;

	memcpy(cl->w, g, (d + 1) * sizeof *g);
	if (dt->n == 0)
		return 0;
	idx = malloc(dt->n * sizeof *idx);
	grad = malloc((d + 1) * sizeof *grad);
	if (idx == NULL || grad == NULL) {
		free(idx);
		free(grad);
		return -1;
	}
	m.d = d;
	m.w = cl->w;
	for (e = 0; e < epochs; e++) {
		for (i = 0; i < dt->n; i++)
			idx[i] = i;
		for (i = dt->n - 1; i > 0; i--) {
			j = (size_t)(rng_next(&rng) % (i + 1));
			s = idx[i];
			idx[i] = idx[j];
			idx[j] = s;
		}
		for (s = 0; s < dt->n; s = end) {
			end = s + batch < dt->n ? s + batch : dt->n;
			memset(grad, 0, (d + 1) * sizeof *grad);
			m.b = cl->w[d];
			for (i = s; i < end; i++) {
				const double *x = dt->x + idx[i] * d;

				p = logreg_predict(&m, x);
				err = p - (double)dt->y[idx[i]];
				for (j = 0; j < d; j++)
					grad[j] += err * x[j];
				grad[d] += err;
			}
			for (j = 0; j <= d; j++) {
				double step = grad[j] / (double)(end - s) +
				    mu * (cl->w[j] - g[j]);

				if (j < d)
					step += l2 * cl->w[j];
				cl->w[j] -= lr * step;
			}
		}
	}
	free(idx);
	free(grad);
	return 0;
}

/* The rounds. */
static int
federated_run(struct bench_ctx *ctx, const struct bench_testcase *tc,
    void *state, json_t *config)
{
	struct logreg_unit *lu = state;
	struct fed_client *cl = NULL;
	const double **ws = NULL;
	double *global = NULL, mu, alpha, acc = 0, loss = 0, t0;
	int64_t k, rounds, epochs, r;
	size_t *n = NULL, *order = NULL, i, j, s, d = lu->all.d, nmin, nmax;
	struct logreg_model m;
	uint64_t rng;
	char name[64];
	int rc = BENCH_FAILED;

	(void)tc;
	if (paradigm_int(ctx, config, "clients", 4, 1, FED_CLIENTS_MAX,
	    &k) != 0 ||
	    paradigm_int(ctx, config, "rounds", 5, 1, 10000, &rounds) != 0 ||
	    paradigm_int(ctx, config, "local_epochs", 1, 1, 10000,
	    &epochs) != 0 ||
	    paradigm_real(ctx, config, "mu", 0, 0, 1e6, &mu) != 0 ||
	    paradigm_real(ctx, config, "non_iid", 0.5, 1e-3, 1e6,
	    &alpha) != 0)
		return BENCH_FAILED;
	cl = calloc((size_t)k, sizeof *cl);
	ws = calloc((size_t)k, sizeof *ws);
	n = calloc((size_t)k, sizeof *n);
	order = calloc((size_t)k, sizeof *order);
	global = calloc(d + 1, sizeof *global);
	if (cl == NULL || ws == NULL || n == NULL || order == NULL ||
	    global == NULL ||
	    fed_split(&lu->train, (size_t)k, alpha, lu->gen.seed ^
	    UINT64_C(0xfed0fed0fed0fed0), cl) != 0) {
		ctx->fail(ctx, "out of memory: ENOMEM");
		goto out;
	}
	nmin = nmax = cl[0].data.n;
	for (i = 0; i < (size_t)k; i++) {
		n[i] = cl[i].data.n;
		ws[i] = cl[i].w;
		nmin = n[i] < nmin ? n[i] : nmin;
		nmax = n[i] > nmax ? n[i] : nmax;
	}
	m.d = d;
	t0 = ctx->now();
	for (r = 0; r < rounds; r++) {
		/* clients "finish" in an order drawn from the round */
		rng = lu->opts.seed ^ ((uint64_t)r * UINT64_C(0x9e3779b97f4a7c15));
		for (i = 0; i < (size_t)k; i++)
			order[i] = i;
		for (i = (size_t)k - 1; i > 0; i--) {
			j = (size_t)(rng_next(&rng) % (i + 1));
			s = order[i];
			order[i] = order[j];
			order[j] = s;
		}
		for (i = 0; i < (size_t)k; i++) {
			j = order[i];
			if (fed_local(&cl[j], global, (size_t)epochs,
			    lu->opts.batch_size, lu->opts.lr, lu->opts.l2, mu,
			    lu->opts.seed + (uint64_t)r * (uint64_t)k + j) != 0) {
				ctx->fail(ctx, "out of memory: ENOMEM");
				goto out;
			}
		}
		federated_aggregate((size_t)k, d, ws, n, global);
		m.w = global;
		m.b = global[d];
		logreg_eval(&m, &lu->test, &acc, &loss);
		snprintf(name, sizeof name, "accuracy_round_%lld",
		    (long long)r + 1);
		bench_report(ctx, name, acc);
		ctx->log(ctx, "round %lld/%lld: global test accuracy %.4f",
		    (long long)r + 1, (long long)rounds, acc);
	}
	bench_report_timing(ctx, "train_seconds", ctx->now() - t0);
	bench_report(ctx, "accuracy", acc);
	bench_report(ctx, "loss", loss);
	bench_report(ctx, "clients", (double)k);
	bench_report(ctx, "rounds", (double)rounds);
	bench_report(ctx, "client_samples_min", (double)nmin);
	bench_report(ctx, "client_samples_max", (double)nmax);
	rc = BENCH_OK;
out:
	for (i = 0; cl != NULL && i < (size_t)k; i++) {
		logreg_data_free(&cl[i].data);
		free(cl[i].w);
	}
	free(cl);
	free(ws);
	free(n);
	free(order);
	free(global);
	return rc;
}

const struct paradigm paradigm_federated = {
	.name = "federatedlearning",
	.learner = 1,
	.partitioned = 0,
	.run = federated_run,
};
