/*
 * scale: the analysis and the renderers of `bench scale`, a concurrency
 * sweep. A level is one worker count, run one or more times (runs); per
 * level the throughput of each run (units/s) gives a mean with its 95%
 * interval (stats.h), the units' wall times give latency percentiles and
 * the per-user loss against the lowest level, peaks give memory per
 * worker. The recommendation moves to more workers only on a clear
 * throughput gain. Pure: it takes the levels as harness/cmd-scale.c
 * measured them and writes text, JSON or HTML.
 */
#ifndef BENCH_SCALE_H
#define BENCH_SCALE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stats.h"

/* The most workers of a level. */
#define SCALE_MAX_WORKERS	4096

/* A level's throughput gain must reach this (and be clear) to move the
   recommendation up. */
#define SCALE_GAIN		0.05

/* CPU time / wall time of the units at or above this at some level: the
   units are CPU-bound, and no level above the cores is recommended. Low,
   and the highest level's figure counts, because on a loaded machine a
   busy loop gets well under a core (a sleep gets about 0.01). */
#define SCALE_CPU_BOUND		0.25

/* What one level measured; the caller fills it (NAN, -1: unknown). */
struct scale_level {
	int	 workers;		/* the level */
	int	 ran_workers;		/* runs.workers: capped at the units */
	int64_t	*runs;			/* its run ids; caller frees */
	size_t	 nruns;
	int	 rc;			/* worst exit code of its runs */
	size_t	 nunits, nfailed;	/* over every run */
	double	 run_wall_s;		/* sum of runs' finished - started */
	double	 spent_s;		/* time spent running it (its runs,
					   set-up included), for --budget */
	double	*tput;			/* units/s of each run; caller frees */
	size_t	 ntput;
	double	*lat;			/* unit wall_s of every run, sorted
					   once measured; caller frees */
	size_t	 nlat;
	double	 cpu_s;			/* sum of user + sys over units */
	double	 busy_s;		/* sum of unit wall_s */
	long	 peak_rss_kb;		/* -1 unknown */
	double	 peak_vram_mb;		/* NAN unknown / no GPU */
	double	 gpu_util_sum;		/* over samples with gpu_util */
	size_t	 gpu_util_n;
	double	 metric_work;		/* sum of metric x unit wall_s */
	size_t	 metric_n;		/* units that reported the metric */
	char	 metric[64];		/* the metric used ("" none) */

	/* filled by scale_analyse() */
	struct stats	 thr;		/* of tput: units/s, 95% interval */
	double		 p50, p90, p95, p99;	/* of lat */
	struct stats_change loss;	/* per-user loss: mean unit latency
					   against lv[0]'s, percent */
	double		 eff;		/* thr.mean / (workers/lv[0].workers
					   x lv[0].thr.mean) */
	int		 fits, in_latency, over_cores;
};

/* The memory budget of the machine before the sweep. */
struct scale_budget {
	long long	 mem_kb;	/* MemAvailable, -1 unknown */
	const long long	*gpu_free;	/* free MiB per GPU, borrowed */
	size_t		 ngpus;
};

/* What a sweep concludes (scale_analyse). */
struct scale_verdict {
	double	 max_lat_x;	/* the latency bound: p95 <= X x lv[0]'s */
	unsigned cores;		/* physical cores */
	double	 cpu_ratio;	/* the highest level's CPU time / unit
					   wall time */
	int	 cpu_bound;	/* cpu_ratio >= SCALE_CPU_BOUND */
	int	 rec;		/* recommended level index, -1 none */
	char	 why[256];	/* one line: why rec */
};

/*
 * Sort each level's latencies and fill its derived fields, then choose the
 * recommended level: starting at the lowest eligible level, move to a
 * higher one only when it is eligible (fits the memory budget, p95 at most
 * max_lat_x times lv[0]'s, no failed unit, not more workers than cores when
 * CPU-bound) and its throughput is clearly higher than the current
 * choice's: both have an interval (two runs or more), the intervals do not
 * overlap, and the mean gain is at least SCALE_GAIN. lv ascending, n >= 1.
 */
void scale_analyse(struct scale_level *lv, size_t n, double max_lat_x,
    unsigned cores, const struct scale_budget *b, struct scale_verdict *v);

/* The terminal table and verdicts of an analysed sweep. */
void scale_print(FILE *fp, const char *file, const struct scale_level *lv,
    size_t n, const struct scale_verdict *v, const struct scale_budget *b);

/* The sweep as JSON: {"levels":[{"workers","runs","throughput":{"mean",
   "lo","hi","n"},"latency_s":{"p50","p95"},"per_user_loss_pct",...}],
   "recommended":N}; unknown figures are null. */
void scale_json(FILE *fp, const char *file, const struct scale_level *lv,
    size_t n, const struct scale_verdict *v);

/* A self-contained HTML page: throughput (units/s) and per-user loss
   against workers, each point with its 95% interval as a bar, the table
   and the recommendation. */
void scale_html(FILE *fp, const char *file, const struct scale_level *lv,
    size_t n, const struct scale_verdict *v);

#endif
