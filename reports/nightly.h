/*
 * nightly: the history report of every job in a database: per test case,
 * trend charts of wall time, timing metrics (throughput), peak memory and
 * quality metrics over the last runs, and regression detection that
 * survives noise.
 *
 * Detection: the newest run of a job is compared, series by series, with
 * the `window` runs before it that ran on the same machine (fingerprint_id)
 * with the same packing (every unit alone, co_running 0, or some units
 * co-running). A change is flagged only when it is beyond both threshold
 * percent of the baseline median and mad_k times the baseline's MAD (scaled
 * by 1.4826 to estimate a standard deviation). Wall time, seconds, peak
 * memory and other timing metrics: up is worse; names ending in _per_s or
 * containing gflops or throughput: down is worse. The median and the MAD
 * come from reports/stats.h, the same module as every other figure.
 */
#ifndef BENCH_NIGHTLY_H
#define BENCH_NIGHTLY_H

#include <stddef.h>
#include <stdio.h>

struct store;

struct nightly_opts {
	const char	*job;		/* NULL: every job */
	int		 window;	/* baseline runs (default 10) */
	double		 threshold_pct;	/* default 10 */
	double		 mad_k;		/* default 3 */
	int		 history;	/* runs drawn per job (default 30) */
	int		 min_baseline;	/* fewer baseline runs: no verdict (3) */
	const char *const *labels;	/* "KEY=VALUE" each: only runs with
					   every one of these labels */
	size_t		 nlabels;
};
#define NIGHTLY_OPTS_INIT { .window = 10, .threshold_pct = 10.0, \
	.mad_k = 3.0, .history = 30, .min_baseline = 3 }

enum nightly_verdict {
	NIGHTLY_SAME = 0,
	NIGHTLY_REGRESSION,
	NIGHTLY_IMPROVEMENT,
};

/*
 * Judge newest against the baseline prev[0..n): *median and *mad (scaled)
 * receive the baseline's statistics, *change_pct the relative change.
 */
enum nightly_verdict nightly_judge(const double *prev, size_t n,
    double newest, int higher_is_better, double threshold_pct, double mad_k,
    double *median, double *mad, double *change_pct);

/* Render the HTML report to fp; *regressions and *improvements receive the
   counts flagged. -1 with *cause on a database error. */
int nightly_render(struct store *st, const struct nightly_opts *o, FILE *fp,
    int *regressions, int *improvements, char **cause);

#endif
