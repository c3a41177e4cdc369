/*
 * lifelonglearning: one unit learns a sequence of `tasks` tasks, one after
 * another, with one model. Task t is a data set of its own, drawn from
 * data_seed + t (so its classes are separated along another direction);
 * after training on task t the model is evaluated on the test split of
 * every task seen so far, giving the matrix acc[t][i]. Reported: the final
 * accuracy (mean over all tasks after the last), backward transfer
 * BWT = mean over i < T-1 of (acc[T-1][i] - acc[i][i]) (negative:
 * forgetting), the largest single drop (forgetting), and per task
 * accuracy_task_I after the last task.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "logreg.h"
#include "paradigm.h"
#include "banned.h"

#define LIFELONG_TASKS_MAX 64

/* Train on every task in turn; evaluate on all seen. */
static int
lifelong_run(struct bench_ctx *ctx, const struct bench_testcase *tc,
    void *state, json_t *config)
{
	struct logreg_unit *lu = state;
	struct logreg_data data[LIFELONG_TASKS_MAX], train, test;
	struct logreg_model m;
	struct logreg_gen g;
	double (*acc)[LIFELONG_TASKS_MAX] = NULL;
	double bwt = 0, forget = 0, final = 0, drop, t0;
	int64_t tasks, t, i;
	size_t ntrain, e;
	uint64_t rng;
	char name[64];
	int rc = BENCH_FAILED;

	(void)tc;
	if (paradigm_int(ctx, config, "tasks", 3, 2, LIFELONG_TASKS_MAX,
	    &tasks) != 0)
		return BENCH_FAILED;
	acc = calloc(LIFELONG_TASKS_MAX, sizeof *acc);
	if (acc == NULL || logreg_model_init(&m, lu->all.d) != 0) {
		free(acc);
		ctx->fail(ctx, "out of memory: ENOMEM");
		return BENCH_FAILED;
	}
	for (t = 0; t < tasks; t++) {
		g = lu->gen;
		g.seed = lu->gen.seed + (uint64_t)t;
		if (logreg_make_data(&data[t], &g) != 0) {
			ctx->fail(ctx, "out of memory for task %lld: ENOMEM",
			    (long long)t);
			tasks = t;
			goto out;
		}
	}
	rng = lu->opts.seed;
	t0 = ctx->now();
	for (t = 0; t < tasks; t++) {
		ntrain = data[t].n * 4 / 5;
		logreg_slice(&data[t], 0, ntrain, &train);
		for (e = 0; e < lu->opts.epochs; e++) {
			if (logreg_train_epoch(&m, &train, lu->opts.batch_size,
			    lu->opts.lr, lu->opts.l2, &rng) != 0) {
				ctx->fail(ctx, "out of memory training: "
				    "ENOMEM");
				goto out;
			}
		}
		for (i = 0; i <= t; i++) {
			ntrain = data[i].n * 4 / 5;
			logreg_slice(&data[i], ntrain, data[i].n - ntrain,
			    &test);
			logreg_eval(&m, &test, &acc[t][i], NULL);
		}
		ctx->log(ctx, "after task %lld: accuracy on it %.4f",
		    (long long)t + 1, acc[t][t]);
	}
	bench_report_timing(ctx, "train_seconds", ctx->now() - t0);
	for (i = 0; i < tasks; i++) {
		final += acc[tasks - 1][i];
		snprintf(name, sizeof name, "accuracy_task_%lld",
		    (long long)i + 1);
		bench_report(ctx, name, acc[tasks - 1][i]);
		if (i < tasks - 1) {
			bwt += acc[tasks - 1][i] - acc[i][i];
			drop = acc[i][i] - acc[tasks - 1][i];
			if (drop > forget)
				forget = drop;
		}
	}
	bench_report(ctx, "accuracy", final / (double)tasks);
	bench_report(ctx, "bwt", bwt / (double)(tasks - 1));
	bench_report(ctx, "forgetting", forget);
	bench_report(ctx, "tasks", (double)tasks);
	rc = BENCH_OK;
out:
	for (t = 0; t < tasks; t++)
		logreg_data_free(&data[t]);
	logreg_model_free(&m);
	free(acc);
	return rc;
}

const struct paradigm paradigm_lifelong = {
	.name = "lifelonglearning",
	.learner = 1,
	.partitioned = 0,
	.run = lifelong_run,
};
