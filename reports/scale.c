/*
 * scale: the table and the verdicts of `bench scale` (scale.h). Owns
 * nothing: it reads the caller's levels and budget and writes to a FILE.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "safe.h"
#include "scale.h"
#include "banned.h"

/* Throughput growing by less than this past a level is saturation. */
#define SCALE_SATURATION	0.05

/* The highest levels inside each limit (index into the levels). */
struct scale_limits {
	size_t	 mem, lat, rec;
	int	 have_mem, have_lat, have_rec;
};

/* "" or "s", for "N worker%s". */
static const char *
scale_s(int n)
{
	return n == 1 ? "" : "s";
}

/* Write v with fmt, or "-" when NAN, right-aligned in width. */
static void
scale_cell(FILE *fp, const char *fmt, double v, int width)
{
	char buf[64];

	if (isnan(v) || isinf(v))
		snprintf(buf, sizeof buf, "-");
	else
		snprintf(buf, sizeof buf, fmt, v);
	fprintf(fp, " %*s", width, buf);
}

/* The title: the job file, the levels and their runs. */
static void
scale_title(FILE *fp, const char *file, const struct scale_level *lv,
    size_t n)
{
	size_t i;

	fprintf(fp, "scale: %s, levels", file);
	for (i = 0; i < n; i++)
		fprintf(fp, "%s%d", i == 0 ? " " : ",", lv[i].workers);
	fprintf(fp, " (runs");
	for (i = 0; i < n; i++)
		fprintf(fp, "%s%" PRId64, i == 0 ? " " : ",", lv[i].run_id);
	fprintf(fp, ")\n\n");
}

/* The metric column: the first level's that has one, else "-". */
static const char *
scale_metric(const struct scale_level *lv, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (lv[i].metric[0] != '\0')
			return lv[i].metric;
	}
	return "-";
}

/* The header line; mw is the width of the metric column. */
static void
scale_header(FILE *fp, const char *metric, int mw)
{
	fprintf(fp, "%7s %5s %5s %8s %8s %*s %8s %8s %8s %8s %10s %9s %5s "
	    "%5s %5s\n", "workers", "run", "units", "wall_s", "units/s", mw,
	    metric, "p50_s", "p90_s", "p95_s", "p99_s", "rss_MiB/w",
	    "vram_MiB/w", "cpu%", "gpu%", "eff");
}

/* The row of level l; base is the lowest level. */
static void
scale_row(FILE *fp, const struct scale_level *l,
    const struct scale_level *base, const char *metric, int mw)
{
	double cpu = NAN, gpu = NAN, msum = NAN, eff;

	if (l->run_wall_s > 0)
		cpu = 100.0 * l->cpu_s / (l->run_wall_s *
		    (l->ran_workers > 0 ? l->ran_workers : l->workers));
	if (l->gpu_util_n > 0)
		gpu = l->gpu_util_sum / (double)l->gpu_util_n;
	if (l->metric_n > 0 && l->run_wall_s > 0 &&
	    strcmp(l->metric, metric) == 0)
		msum = l->metric_work / l->run_wall_s;
	eff = base->throughput > 0 ? l->throughput * base->workers /
	    (l->workers * base->throughput) : NAN;
	fprintf(fp, "%7d %5" PRId64 " %5zu", l->workers, l->run_id,
	    l->nunits);
	scale_cell(fp, "%.3f", l->run_wall_s, 8);
	scale_cell(fp, "%.3f", l->throughput, 8);
	scale_cell(fp, "%.2f", msum, mw);
	scale_cell(fp, "%.3f", l->p50, 8);
	scale_cell(fp, "%.3f", l->p90, 8);
	scale_cell(fp, "%.3f", l->p95, 8);
	scale_cell(fp, "%.3f", l->p99, 8);
	scale_cell(fp, "%.1f", l->peak_rss_kb >= 0 ?
	    (double)l->peak_rss_kb / 1024.0 : NAN, 10);
	scale_cell(fp, "%.1f", l->peak_vram_mb, 9);
	scale_cell(fp, "%.0f", cpu, 5);
	scale_cell(fp, "%.0f", gpu, 5);
	scale_cell(fp, "%.2f", eff, 5);
	if (l->ran_workers > 0 && l->ran_workers != l->workers)
		fprintf(fp, "  (ran %d: capped at the units)", l->ran_workers);
	fprintf(fp, "%s\n", l->nfailed > 0 ? "  FAILED" : "");
}

/* The table: header and a row per level. */
static void
scale_table(FILE *fp, const struct scale_level *lv, size_t n)
{
	const char *metric = scale_metric(lv, n);
	size_t i;
	int mw = 10;

	if (strlen(metric) > (size_t)mw)
		mw = strlen(metric) > 60 ? 60 : (int)strlen(metric);
	scale_header(fp, metric, mw);
	for (i = 0; i < n; i++)
		scale_row(fp, &lv[i], &lv[0], metric, mw);
}

/* 1 when l->workers units of l's peaks fit the RAM (0.8 x MemAvailable)
   and VRAM (0.9 x free per GPU) budgets of profiles/safe.h. */
static int
scale_fits(const struct scale_level *l, const struct scale_budget *b)
{
	struct safe_input in = SAFE_INPUT_INIT;
	struct safe_result out;

	in.cores = SCALE_MAX_WORKERS + 1;
	in.mem_available_kb = b->mem_kb;
	in.gpu_free_mb = b->gpu_free;
	in.ngpus = b->ngpus;
	in.peak_rss_kb = l->peak_rss_kb > 0 ? l->peak_rss_kb : 0;
	in.peak_vram_mb = !isnan(l->peak_vram_mb) && l->peak_vram_mb > 0 ?
	    (long long)ceil(l->peak_vram_mb) : 0;
	safe_workers(&in, &out);
	if (out.ram_cap >= 0 && l->workers > out.ram_cap)
		return 0;
	if (out.vram_cap >= 0 && l->workers > out.vram_cap)
		return 0;
	return 1;
}

/* Find the highest level inside the memory budget, inside the latency
   bound, and inside both without a failed unit. */
static void
scale_limits(const struct scale_level *lv, size_t n, double max_lat_x,
    const struct scale_budget *b, struct scale_limits *lim)
{
	const struct scale_level *base = &lv[0];
	size_t i;
	int m, t;

	memset(lim, 0, sizeof *lim);
	for (i = 0; i < n; i++) {
		m = scale_fits(&lv[i], b);
		t = !isnan(lv[i].p95) && !isnan(base->p95) &&
		    lv[i].p95 <= max_lat_x * base->p95;
		if (m) {
			lim->mem = i;
			lim->have_mem = 1;
		}
		if (t) {
			lim->lat = i;
			lim->have_lat = 1;
		}
		if (m && t && lv[i].nfailed == 0) {
			lim->rec = i;
			lim->have_rec = 1;
		}
	}
}

/* The memory budget line. */
static void
scale_memory_line(FILE *fp, const struct scale_level *lv,
    const struct scale_limits *lim, const struct scale_budget *b)
{
	fprintf(fp, "\nmemory budget: ");
	if (lim->have_mem)
		fprintf(fp, "up to %d worker%s", lv[lim->mem].workers,
		    scale_s(lv[lim->mem].workers));
	else
		fprintf(fp, "no level fits");
	if (b->mem_kb >= 0)
		fprintf(fp, " (workers x peak RSS <= 0.8 x %lld MiB available",
		    b->mem_kb / 1024);
	else
		fprintf(fp, " (MemAvailable unknown");
	if (b->ngpus > 0)
		fprintf(fp, "; workers x peak VRAM <= 0.9 x free VRAM of %zu "
		    "GPU%s", b->ngpus, b->ngpus == 1 ? "" : "s");
	fprintf(fp, ")\n");
}

/* The latency bound and recommendation lines. */
static void
scale_latency_lines(FILE *fp, const struct scale_level *lv,
    const struct scale_limits *lim, double max_lat_x)
{
	const struct scale_level *base = &lv[0];

	fprintf(fp, "latency bound: ");
	if (lim->have_lat)
		fprintf(fp, "up to %d worker%s", lv[lim->lat].workers,
		    scale_s(lv[lim->lat].workers));
	else
		fprintf(fp, "no level");
	fprintf(fp, " (p95 <= %g x %.3f s, the p95 at %d worker%s)\n",
	    max_lat_x, base->p95, base->workers, scale_s(base->workers));
	if (lim->have_rec)
		fprintf(fp, "recommended: %d worker%s (the highest level "
		    "inside the memory budget and the latency bound)\n",
		    lv[lim->rec].workers, scale_s(lv[lim->rec].workers));
	else
		fprintf(fp, "recommended: none (no level stays inside the "
		    "memory budget and the latency bound)\n");
}

/* The saturation line: the first level past which throughput grows by
   less than SCALE_SATURATION. */
static void
scale_saturation_line(FILE *fp, const struct scale_level *lv, size_t n)
{
	size_t i, sat = n;
	double gain;

	for (i = 0; i + 1 < n; i++) {
		if (!(lv[i].throughput > 0) || isnan(lv[i + 1].throughput))
			continue;
		if (lv[i + 1].throughput < (1 + SCALE_SATURATION) *
		    lv[i].throughput) {
			sat = i;
			break;
		}
	}
	if (sat == n) {
		fprintf(fp, "saturation: not reached up to %d workers "
		    "(throughput grew by %.0f%% or more at every step)\n",
		    lv[n - 1].workers, 100 * SCALE_SATURATION);
		return;
	}
	gain = 100.0 * (lv[sat + 1].throughput / lv[sat].throughput - 1);
	fprintf(fp, "saturation: %d worker%s (throughput %d -> %d workers: "
	    "%+.1f%%, under +%.0f%%)\n", lv[sat].workers,
	    scale_s(lv[sat].workers), lv[sat].workers, lv[sat + 1].workers,
	    gain, 100 * SCALE_SATURATION);
}

/* The whole output of a sweep. */
void
scale_print(FILE *fp, const char *file, const struct scale_level *lv,
    size_t n, double max_lat_x, const struct scale_budget *b)
{
	struct scale_limits lim;

	scale_title(fp, file, lv, n);
	scale_table(fp, lv, n);
	scale_limits(lv, n, max_lat_x, b, &lim);
	scale_memory_line(fp, lv, &lim, b);
	scale_latency_lines(fp, lv, &lim, max_lat_x);
	scale_saturation_line(fp, lv, n);
}
