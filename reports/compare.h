/*
 * compare: the performance change between two stored runs (bench
 * compare). For every test case and metric both runs have, the samples of
 * their measured units (runstats.h) are summarised (stats.h) and Welch's
 * change from A to B in percent, with its 95% interval, gets a verdict:
 * "faster"/"slower" for metrics whose better direction the name tells
 * (higher: *_per_s, throughput, gflops, *_ops, *_qps; lower: *_s, *time*,
 * *latency*), "better"/"worse" for one whose direction the job's rank
 * sort_by gives (descend: higher), "changed" when neither does, and "no
 * change" when |change| is under the threshold or the interval includes 0.
 * With n = 1 on a side there is no interval and the threshold alone
 * decides.
 */
#ifndef BENCH_COMPARE_H
#define BENCH_COMPARE_H

#include <stdint.h>
#include <stdio.h>

struct store;

struct compare_opts {
	double		 threshold_pct;	/* default 5 */
	const char	*format;	/* term | json | md | html */
};
#define COMPARE_OPTS_INIT { .threshold_pct = 5, .format = "term" }

/* 1 when name is a format compare writes. */
int compare_format_ok(const char *name);

/*
 * Compare run a (the baseline) with run b and write the result to fp in
 * o->format. Test cases are matched by name (hyperparameters included);
 * those only one run has are listed ("only_a", "only_b"), not compared.
 * *worse gets how many items got slower or worse, *nitems how many were
 * compared. Returns 0, or -1 with *cause.
 */
int compare_runs(struct store *st, int64_t a, int64_t b,
    const struct compare_opts *o, FILE *fp, int *worse, size_t *nitems,
    char **cause);

/* The better direction of metric: 1 higher, -1 lower, 0 unknown by name
   alone. */
int compare_direction(const char *metric);

#endif
