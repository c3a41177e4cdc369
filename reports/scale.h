/*
 * scale: the renderer of `bench scale`, a concurrency sweep. Per level the
 * throughput, the sum of a throughput metric, unit latency percentiles,
 * peak memory per worker, CPU and GPU utilization and efficiency against
 * the lowest level; then the highest level inside the memory budget and
 * the latency bound, and the saturation point. Pure: it takes the levels
 * as harness/cmd-scale.c measured them and writes text.
 */
#ifndef BENCH_SCALE_H
#define BENCH_SCALE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The most workers of a level. */
#define SCALE_MAX_WORKERS	4096

/* What one level measured; the caller fills it (NAN, -1: unknown). */
struct scale_level {
	int	 workers;		/* the level */
	int	 ran_workers;		/* runs.workers: capped at the units */
	int64_t	 run_id;
	int	 rc;			/* exit code of its run (not shown) */
	size_t	 nunits, nfailed;
	double	 run_wall_s;		/* runs.finished_at - started_at */
	double	*lat;			/* unit wall_s, sorted; caller frees */
	size_t	 nlat;
	double	 cpu_s;			/* sum of user + sys over units */
	double	 busy_s;		/* sum of unit wall_s (not shown) */
	long	 peak_rss_kb;		/* -1 unknown */
	double	 peak_vram_mb;		/* NAN unknown / no GPU */
	double	 gpu_util_sum;		/* over samples with gpu_util */
	size_t	 gpu_util_n;
	double	 metric_work;		/* sum of metric x unit wall_s */
	size_t	 metric_n;		/* units that reported the metric */
	char	 metric[64];		/* the metric used ("" none) */
	double	 throughput;		/* units / s */
	double	 p50, p90, p95, p99;	/* of lat */
};

/* The memory budget of the machine before the sweep. */
struct scale_budget {
	long long	 mem_kb;	/* MemAvailable, -1 unknown */
	const long long	*gpu_free;	/* free MiB per GPU, borrowed */
	size_t		 ngpus;
};

/*
 * Write to fp the title (file, the levels and their runs), the table of
 * lv[0..n) in ascending worker order (lv[0] is the base of efficiency and
 * latency; n >= 1), and the verdicts: the highest level whose peaks fit
 * the budget (profiles/safe.h), the highest whose p95 is at most
 * max_lat_x times lv[0]'s, the highest with both and no failed unit, and
 * where throughput stops growing.
 */
void scale_print(FILE *fp, const char *file, const struct scale_level *lv,
    size_t n, double max_lat_x, const struct scale_budget *b);

#endif
