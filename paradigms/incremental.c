/*
 * incrementallearning: the model meets its training data in rounds. The
 * first train_ratio of the data set is the training stream, the rest the
 * test set; the stream is cut into incremental_rounds consecutive chunks,
 * and each round trains (epochs passes) on the new chunk only, starting
 * from the previous round's model, then evaluates on the test set. Reports
 * accuracy_round_R / loss_round_R per round and the final accuracy / loss.
 */
#include "config.h"

#include <stdio.h>

#include "logreg.h"
#include "paradigm.h"
#include "rng.h"
#include "banned.h"

/* Run the rounds. */
static int
incremental_run(struct bench_ctx *ctx, const struct bench_testcase *tc,
    void *state, json_t *config)
{
	struct logreg_unit *lu = state;
	struct logreg_data stream, test, chunk;
	struct logreg_model m;
	int64_t rounds, r;
	double ratio, acc = 0, loss = 0, t0;
	size_t ntrain, start, len, e;
	uint64_t rng;
	char name[64];

	(void)tc;
	if (paradigm_int(ctx, config, "incremental_rounds", 3, 1, 1000,
	    &rounds) != 0 ||
	    paradigm_real(ctx, config, "train_ratio", 0.8, 0.01, 0.99,
	    &ratio) != 0)
		return BENCH_FAILED;
	ntrain = (size_t)((double)lu->all.n * ratio);
	if (ntrain < (size_t)rounds || ntrain >= lu->all.n) {
		ctx->fail(ctx, "train_ratio %g of %zu samples leaves no room "
		    "for %lld rounds and a test set", ratio, lu->all.n,
		    (long long)rounds);
		return BENCH_FAILED;
	}
	logreg_slice(&lu->all, 0, ntrain, &stream);
	logreg_slice(&lu->all, ntrain, lu->all.n - ntrain, &test);
	if (logreg_model_init(&m, lu->all.d) != 0) {
		ctx->fail(ctx, "out of memory for the model: ENOMEM");
		return BENCH_FAILED;
	}
	rng = lu->opts.seed;
	t0 = ctx->now();
	for (r = 0; r < rounds; r++) {
		start = ntrain * (size_t)r / (size_t)rounds;
		len = ntrain * (size_t)(r + 1) / (size_t)rounds - start;
		logreg_slice(&stream, start, len, &chunk);
		for (e = 0; e < lu->opts.epochs; e++) {
			if (logreg_train_epoch(&m, &chunk, lu->opts.batch_size,
			    lu->opts.lr, lu->opts.l2, &rng) != 0) {
				logreg_model_free(&m);
				ctx->fail(ctx, "out of memory training: ENOMEM");
				return BENCH_FAILED;
			}
		}
		logreg_eval(&m, &test, &acc, &loss);
		snprintf(name, sizeof name, "accuracy_round_%lld",
		    (long long)r + 1);
		bench_report(ctx, name, acc);
		snprintf(name, sizeof name, "loss_round_%lld", (long long)r + 1);
		bench_report(ctx, name, loss);
		ctx->log(ctx, "round %lld/%lld: %zu new samples, test accuracy "
		    "%.4f", (long long)r + 1, (long long)rounds, len, acc);
	}
	bench_report_timing(ctx, "train_seconds", ctx->now() - t0);
	bench_report(ctx, "accuracy", acc);
	bench_report(ctx, "loss", loss);
	bench_report(ctx, "rounds", (double)rounds);
	logreg_model_free(&m);
	return BENCH_OK;
}

const struct paradigm paradigm_incremental = {
	.name = "incrementallearning",
	.learner = 1,
	.partitioned = 0,
	.run = incremental_run,
};
