/*
 * scale: the analysis, the table and the verdicts of `bench scale`
 * (scale.h). Owns nothing: it reads the caller's levels and budget and
 * writes to a FILE.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "axis.h"
#include "safe.h"
#include "scale.h"
#include "banned.h"

/* Throughput growing by less than this past a level is saturation. */
#define SCALE_SATURATION	0.05

/* "" or "s", for "N worker%s". */
static const char *
scale_s(int n)
{
	return n == 1 ? "" : "s";
}

/* qsort order of doubles. */
static int
scale_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
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

/* Fill l's derived figures against the base level (lv[0]). */
static void
scale_derive(struct scale_level *l, const struct scale_level *base,
    const struct stats *base_lat)
{
	struct stats lat;

	qsort(l->lat, l->nlat, sizeof *l->lat, scale_cmp_double);
	l->p50 = stats_quantile(l->lat, l->nlat, 0.50);
	l->p90 = stats_quantile(l->lat, l->nlat, 0.90);
	l->p95 = stats_quantile(l->lat, l->nlat, 0.95);
	l->p99 = stats_quantile(l->lat, l->nlat, 0.99);
	stats_compute(l->tput, l->ntput, &l->thr);
	stats_compute(l->lat, l->nlat, &lat);
	stats_change(base_lat, &lat, &l->loss);
	l->eff = base->thr.mean > 0 ? l->thr.mean * base->workers /
	    ((double)l->workers * base->thr.mean) : NAN;
}

/* 1 when b's throughput is clearly above a's (see scale.h). */
static int
scale_clear_gain(const struct scale_level *a, const struct scale_level *b)
{
	if (a->thr.n < 2 || b->thr.n < 2 || isnan(a->thr.hi) ||
	    isnan(b->thr.lo))
		return 0;
	return b->thr.lo > a->thr.hi &&
	    b->thr.mean >= (1 + SCALE_GAIN) * a->thr.mean;
}

/* Walk the levels up from the lowest eligible one; see scale.h. */
static void
scale_recommend(const struct scale_level *lv, size_t n,
    struct scale_verdict *v)
{
	size_t i;
	int r = -1;

	snprintf(v->why, sizeof v->why, "no level stays inside the memory "
	    "budget and the latency bound without a failed unit");
	for (i = 0; i < n; i++) {
		if (!lv[i].fits || !lv[i].in_latency || lv[i].nfailed > 0 ||
		    lv[i].over_cores)
			continue;
		if (r < 0) {
			r = (int)i;
			snprintf(v->why, sizeof v->why, "the lowest eligible "
			    "level");
		} else if (scale_clear_gain(&lv[r], &lv[i])) {
			snprintf(v->why, sizeof v->why, "throughput %+.0f%% "
			    "over %d worker%s, intervals apart",
			    100 * (lv[i].thr.mean / lv[r].thr.mean - 1),
			    lv[r].workers, scale_s(lv[r].workers));
			r = (int)i;
		}
	}
	v->rec = r;
	if (r > 0 && (size_t)r + 1 < n)
		snprintf(v->why + strlen(v->why), sizeof v->why -
		    strlen(v->why), "; no higher level clearly better");
	else if (r == 0 && n > 1)
		snprintf(v->why, sizeof v->why, "no higher level is clearly "
		    "better: intervals overlap, gain under %.0f%%, or out of "
		    "bounds", 100 * SCALE_GAIN);
}

/* Analyse a sweep; see scale.h. */
void
scale_analyse(struct scale_level *lv, size_t n, double max_lat_x,
    unsigned cores, const struct scale_budget *b, struct scale_verdict *v)
{
	struct stats base_lat;
	size_t i;

	memset(v, 0, sizeof *v);
	v->max_lat_x = max_lat_x;
	v->cores = cores > 0 ? cores : 1;
	qsort(lv[0].lat, lv[0].nlat, sizeof *lv[0].lat, scale_cmp_double);
	stats_compute(lv[0].tput, lv[0].ntput, &lv[0].thr);
	stats_compute(lv[0].lat, lv[0].nlat, &base_lat);
	for (i = 0; i < n; i++)
		scale_derive(&lv[i], &lv[0], &base_lat);
	/* the baseline loses nothing against itself */
	lv[0].loss = (struct stats_change){ .pct = 0, .lo = 0, .hi = 0,
	    .significant = 0 };
	v->cpu_ratio = NAN;
	for (i = 0; i < n; i++) {
		double r = lv[i].busy_s > 0 ? lv[i].cpu_s / lv[i].busy_s : NAN;

		if (!isnan(r) && (isnan(v->cpu_ratio) || r > v->cpu_ratio))
			v->cpu_ratio = r;
	}
	v->cpu_bound = v->cpu_ratio >= SCALE_CPU_BOUND;
	for (i = 0; i < n; i++) {
		lv[i].fits = scale_fits(&lv[i], b);
		lv[i].in_latency = !isnan(lv[i].p95) && !isnan(lv[0].p95) &&
		    lv[i].p95 <= max_lat_x * lv[0].p95;
		lv[i].over_cores = v->cpu_bound &&
		    (unsigned)lv[i].workers > v->cores;
	}
	scale_recommend(lv, n, v);
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
	size_t i, j;

	fprintf(fp, "scale: %s, levels", file);
	for (i = 0; i < n; i++)
		fprintf(fp, "%s%d", i == 0 ? " " : ",", lv[i].workers);
	fprintf(fp, " (runs");
	for (i = 0; i < n; i++) {
		fprintf(fp, "%s", i == 0 ? " " : "; ");
		for (j = 0; j < lv[i].nruns; j++)
			fprintf(fp, "%s%" PRId64, j == 0 ? "" : ",",
			    lv[i].runs[j]);
	}
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
	fprintf(fp, "%7s %4s %5s %8s %7s %*s %8s %8s %8s %8s %7s %10s %9s "
	    "%5s %5s %5s\n", "workers", "runs", "units", "units/s", "+-%", mw,
	    metric, "p50_s", "p90_s", "p95_s", "p99_s", "loss%", "rss_MiB/w",
	    "vram_MiB/w", "cpu%", "gpu%", "eff");
}

/* The half-width of l's throughput interval in percent of its mean. */
static double
scale_rel_hw(const struct scale_level *l)
{
	return l->thr.n >= 2 && l->thr.mean > 0 ?
	    100 * (l->thr.hi - l->thr.mean) / l->thr.mean : NAN;
}

/* The CPU use of level l: its units' CPU time over the wall time of its
   runs times the workers, in percent (100: every worker busy on a core). */
static double
scale_cpu_pct(const struct scale_level *l)
{
	int w = l->ran_workers > 0 ? l->ran_workers : l->workers;

	return l->run_wall_s > 0 ? 100.0 * l->cpu_s / (l->run_wall_s * w) :
	    NAN;
}

/* The row of level l. */
static void
scale_row(FILE *fp, const struct scale_level *l, const char *metric, int mw)
{
	double cpu = scale_cpu_pct(l), gpu = NAN, msum = NAN;

	if (l->gpu_util_n > 0)
		gpu = l->gpu_util_sum / (double)l->gpu_util_n;
	if (l->metric_n > 0 && l->run_wall_s > 0 &&
	    strcmp(l->metric, metric) == 0)
		msum = l->metric_work / l->run_wall_s;
	fprintf(fp, "%7d %4zu %5zu", l->workers, l->nruns, l->nunits);
	scale_cell(fp, "%.3f", l->thr.mean, 8);
	if (l->thr.n < 2)
		fprintf(fp, " %7s", "n=1");
	else
		scale_cell(fp, "%.1f", scale_rel_hw(l), 7);
	scale_cell(fp, "%.2f", msum, mw);
	scale_cell(fp, "%.3f", l->p50, 8);
	scale_cell(fp, "%.3f", l->p90, 8);
	scale_cell(fp, "%.3f", l->p95, 8);
	scale_cell(fp, "%.3f", l->p99, 8);
	scale_cell(fp, "%+.1f", l->loss.pct, 7);
	scale_cell(fp, "%.1f", l->peak_rss_kb >= 0 ?
	    (double)l->peak_rss_kb / 1024.0 : NAN, 10);
	scale_cell(fp, "%.1f", l->peak_vram_mb, 9);
	scale_cell(fp, "%.0f", cpu, 5);
	scale_cell(fp, "%.0f", gpu, 5);
	scale_cell(fp, "%.2f", l->eff, 5);
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
		scale_row(fp, &lv[i], metric, mw);
}

/* The highest level index with flag set, or -1. */
static int
scale_highest(const struct scale_level *lv, size_t n, size_t off)
{
	int r = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		if (*(const int *)((const char *)&lv[i] + off))
			r = (int)i;
	}
	return r;
}

/* The memory budget line. */
static void
scale_memory_line(FILE *fp, const struct scale_level *lv, size_t n,
    const struct scale_budget *b)
{
	int m = scale_highest(lv, n, offsetof(struct scale_level, fits));

	fprintf(fp, "\nmemory budget: ");
	if (m >= 0)
		fprintf(fp, "up to %d worker%s", lv[m].workers,
		    scale_s(lv[m].workers));
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

/* The latency bound, CPU and recommendation lines. */
static void
scale_verdict_lines(FILE *fp, const struct scale_level *lv, size_t n,
    const struct scale_verdict *v)
{
	int t = scale_highest(lv, n, offsetof(struct scale_level,
	    in_latency));

	fprintf(fp, "latency bound: ");
	if (t >= 0)
		fprintf(fp, "up to %d worker%s", lv[t].workers,
		    scale_s(lv[t].workers));
	else
		fprintf(fp, "no level");
	fprintf(fp, " (p95 <= %g x %.3f s, the p95 at %d worker%s)\n",
	    v->max_lat_x, lv[0].p95, lv[0].workers, scale_s(lv[0].workers));
	fprintf(fp, "cpu: %s (CPU time / wall time of a unit at %d worker%s: "
	    "%.2f)%s\n", v->cpu_bound ? "CPU-bound" : "not CPU-bound",
	    lv[0].workers, scale_s(lv[0].workers), v->cpu_ratio,
	    v->cpu_bound ? "" : "; more workers than cores allowed");
	if (v->cpu_bound)
		fprintf(fp, "cores: %u (no more workers than cores)\n",
		    v->cores);
	if (v->rec >= 0)
		fprintf(fp, "recommended: %d worker%s (%s)\n",
		    lv[v->rec].workers, scale_s(lv[v->rec].workers), v->why);
	else
		fprintf(fp, "recommended: none (%s)\n", v->why);
}

/* The saturation line: the first level past which throughput grows by
   less than SCALE_SATURATION. */
static void
scale_saturation_line(FILE *fp, const struct scale_level *lv, size_t n)
{
	size_t i, sat = n;
	double gain;

	for (i = 0; i + 1 < n; i++) {
		if (!(lv[i].thr.mean > 0) || isnan(lv[i + 1].thr.mean))
			continue;
		if (lv[i + 1].thr.mean < (1 + SCALE_SATURATION) *
		    lv[i].thr.mean) {
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
	gain = 100.0 * (lv[sat + 1].thr.mean / lv[sat].thr.mean - 1);
	fprintf(fp, "saturation: %d worker%s (throughput %d -> %d workers: "
	    "%+.1f%%, under +%.0f%%)\n", lv[sat].workers,
	    scale_s(lv[sat].workers), lv[sat].workers, lv[sat + 1].workers,
	    gain, 100 * SCALE_SATURATION);
}

/* The whole terminal output of a sweep. */
void
scale_print(FILE *fp, const char *file, const struct scale_level *lv,
    size_t n, const struct scale_verdict *v, const struct scale_budget *b)
{
	scale_title(fp, file, lv, n);
	scale_table(fp, lv, n);
	fprintf(fp, "\nunits/s: mean over the level's runs, +-%% the half-width "
	    "of its 95%% t interval;\nloss%%: per-user loss, the change of the "
	    "mean unit latency against %d worker%s\n", lv[0].workers,
	    scale_s(lv[0].workers));
	scale_memory_line(fp, lv, n, b);
	scale_verdict_lines(fp, lv, n, v);
	scale_saturation_line(fp, lv, n);
}

/* A real, or null when not finite. */
static json_t *
scale_num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* One level as JSON. */
static json_t *
scale_json_level(const struct scale_level *l)
{
	json_t *o = json_object(), *runs = json_array();
	size_t i;

	for (i = 0; i < l->nruns; i++)
		json_array_append_new(runs, json_integer(l->runs[i]));
	json_object_set_new(o, "workers", json_integer(l->workers));
	json_object_set_new(o, "runs", runs);
	json_object_set_new(o, "units", json_integer((json_int_t)l->nunits));
	json_object_set_new(o, "failed", json_integer((json_int_t)l->nfailed));
	json_object_set_new(o, "throughput", json_pack("{s:o,s:o,s:o,s:I}",
	    "mean", scale_num(l->thr.mean), "lo", scale_num(l->thr.lo),
	    "hi", scale_num(l->thr.hi), "n", (json_int_t)l->thr.n));
	json_object_set_new(o, "latency_s", json_pack("{s:o,s:o,s:o,s:o}",
	    "p50", scale_num(l->p50), "p90", scale_num(l->p90),
	    "p95", scale_num(l->p95), "p99", scale_num(l->p99)));
	json_object_set_new(o, "per_user_loss_pct", scale_num(l->loss.pct));
	json_object_set_new(o, "per_user_loss_ci", json_pack("[o,o]",
	    scale_num(l->loss.lo), scale_num(l->loss.hi)));
	json_object_set_new(o, "rss_mib_per_worker", scale_num(
	    l->peak_rss_kb >= 0 ? (double)l->peak_rss_kb / 1024 : NAN));
	json_object_set_new(o, "efficiency", scale_num(l->eff));
	return o;
}

/* The sweep as JSON; see scale.h. */
void
scale_json(FILE *fp, const char *file, const struct scale_level *lv,
    size_t n, const struct scale_verdict *v)
{
	json_t *doc = json_object(), *levels = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(levels, scale_json_level(&lv[i]));
	json_object_set_new(doc, "job", json_string(file));
	json_object_set_new(doc, "levels", levels);
	json_object_set_new(doc, "recommended", v->rec >= 0 ?
	    json_integer(lv[v->rec].workers) : json_null());
	json_object_set_new(doc, "reason", json_string(v->why));
	json_object_set_new(doc, "cpu_bound", json_boolean(v->cpu_bound));
	json_object_set_new(doc, "cpu_ratio", scale_num(v->cpu_ratio));
	json_object_set_new(doc, "cores", json_integer(v->cores));
	json_dumpf(doc, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', fp);
	json_decref(doc);
}

/* Write s with HTML's special characters escaped. */
static void
scale_html_text(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '&': fputs("&amp;", fp); break;
		case '"': fputs("&quot;", fp); break;
		default: fputc(*s, fp); break;
		}
	}
}

/* One series of a chart: value and interval of level i. */
struct scale_series {
	const char	*title, *unit;
	double		 (*mid)(const struct scale_level *);
	double		 (*lo)(const struct scale_level *);
	double		 (*hi)(const struct scale_level *);
};

/* l->thr.mean of a level, for a chart. */
static double
scale_thr_mid(const struct scale_level *l)
{
	return l->thr.mean;
}

/* l->thr.lo of a level, for a chart. */
static double
scale_thr_lo(const struct scale_level *l)
{
	return l->thr.lo;
}

/* l->thr.hi of a level, for a chart. */
static double
scale_thr_hi(const struct scale_level *l)
{
	return l->thr.hi;
}

/* l->loss.pct of a level, for a chart. */
static double
scale_loss_mid(const struct scale_level *l)
{
	return l->loss.pct;
}

/* l->loss.lo of a level, for a chart. */
static double
scale_loss_lo(const struct scale_level *l)
{
	return l->loss.lo;
}

/* l->loss.hi of a level, for a chart. */
static double
scale_loss_hi(const struct scale_level *l)
{
	return l->loss.hi;
}


/* The chart's plot box. */
#define SCALE_SVG_W	560
#define SCALE_SVG_H	300
#define SCALE_SVG_L	70
#define SCALE_SVG_R	20
#define SCALE_SVG_T	30
#define SCALE_SVG_B	50

/* The y axis of a series: round ticks over every value and interval,
   including 0. */
static void
scale_svg_range(const struct scale_level *lv, size_t n,
    const struct scale_series *s, struct axis *ax)
{
	double v[3], lo = 0, hi = 0;
	size_t i, k;

	for (i = 0; i < n; i++) {
		v[0] = s->mid(&lv[i]);
		v[1] = s->lo(&lv[i]);
		v[2] = s->hi(&lv[i]);
		for (k = 0; k < 3; k++) {
			if (!isfinite(v[k]))
				continue;
			lo = v[k] < lo ? v[k] : lo;
			hi = v[k] > hi ? v[k] : hi;
		}
	}
	if (hi - lo < 1e-9)
		hi = lo + 1;
	hi += 0.1 * (hi - lo);
	axis_ticks(lo, hi, 6, ax);
}

/* The axes, the y ticks and the x labels of a chart. */
static void
scale_svg_axes(FILE *fp, const struct scale_level *lv, size_t n,
    const struct scale_series *s, const struct axis *ax)
{
	double pw = SCALE_SVG_W - SCALE_SVG_L - SCALE_SVG_R;
	double ph = SCALE_SVG_H - SCALE_SVG_T - SCALE_SVG_B, y, v;
	char buf[32];
	size_t i;
	int k;

	fprintf(fp, "<text x=\"%d\" y=\"18\" font-weight=\"bold\">%s</text>\n",
	    SCALE_SVG_L, s->title);
	for (k = 0; k < ax->n; k++) {
		v = axis_at(ax, k);
		y = SCALE_SVG_T + ph - ph * axis_frac(ax, v);
		/* zero, where the axis crosses it, stands out */
		fprintf(fp, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		    "stroke=\"%s\"/><text x=\"%d\" y=\"%.1f\" "
		    "text-anchor=\"end\" font-size=\"11\">%s</text>\n",
		    SCALE_SVG_L, y, SCALE_SVG_L + pw, y, v == 0 && k > 0 ?
		    "#888" : "#ddd", SCALE_SVG_L - 6, y + 4,
		    axis_label(ax, v, buf, sizeof buf));
	}
	for (i = 0; i < n; i++)
		fprintf(fp, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" "
		    "font-size=\"11\">%d</text>\n", SCALE_SVG_L + pw *
		    (i + 0.5) / n, SCALE_SVG_H - SCALE_SVG_B + 16,
		    lv[i].workers);
	fprintf(fp, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" "
	    "font-size=\"12\">workers</text>\n<text x=\"14\" y=\"%.1f\" "
	    "font-size=\"12\" transform=\"rotate(-90 14 %.1f)\" "
	    "text-anchor=\"middle\">%s</text>\n", SCALE_SVG_L + pw / 2,
	    SCALE_SVG_H - 12, SCALE_SVG_T + ph / 2, SCALE_SVG_T + ph / 2,
	    s->unit);
}

/* One chart: a point per level joined by a line, its interval a bar. */
static void
scale_svg(FILE *fp, const struct scale_level *lv, size_t n,
    const struct scale_series *s)
{
	double pw = SCALE_SVG_W - SCALE_SVG_L - SCALE_SVG_R;
	double ph = SCALE_SVG_H - SCALE_SVG_T - SCALE_SVG_B, y0, y1, x, m;
	struct axis ax;
	size_t i;

	scale_svg_range(lv, n, s, &ax);
	y0 = ax.lo;
	y1 = ax.hi;
#define SCALE_Y(v)	(SCALE_SVG_T + ph - ph * ((v) - y0) / (y1 - y0))
	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" font-family=\"sans-serif\">\n", SCALE_SVG_W,
	    SCALE_SVG_H);
	scale_svg_axes(fp, lv, n, s, &ax);
	fprintf(fp, "<polyline fill=\"none\" stroke=\"#1f77b4\" "
	    "stroke-width=\"2\" points=\"");
	for (i = 0; i < n; i++) {
		if (isfinite(m = s->mid(&lv[i])))
			fprintf(fp, "%.1f,%.1f ", SCALE_SVG_L + pw * (i + 0.5) /
			    n, SCALE_Y(m));
	}
	fprintf(fp, "\"/>\n");
	for (i = 0; i < n; i++) {
		x = SCALE_SVG_L + pw * (i + 0.5) / n;
		if (isfinite(s->lo(&lv[i])) && isfinite(s->hi(&lv[i])))
			fprintf(fp, "<path d=\"M%.1f %.1fV%.1fM%.1f %.1fh12"
			    "M%.1f %.1fh12\" stroke=\"#d62728\" "
			    "stroke-width=\"1.5\"/>\n", x,
			    SCALE_Y(s->lo(&lv[i])), SCALE_Y(s->hi(&lv[i])),
			    x - 6, SCALE_Y(s->lo(&lv[i])), x - 6,
			    SCALE_Y(s->hi(&lv[i])));
		if (isfinite(m = s->mid(&lv[i])))
			fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" "
			    "fill=\"#1f77b4\"><title>%d workers: %.4g "
			    "%s</title></circle>\n", x, SCALE_Y(m),
			    lv[i].workers, m, s->unit);
	}
#undef SCALE_Y
	fprintf(fp, "</svg>\n");
}

/* The table of the page. */
static void
scale_html_table(FILE *fp, const struct scale_level *lv, size_t n,
    const struct scale_verdict *v)
{
	size_t i;

	fprintf(fp, "<table>\n<tr><th>workers</th><th>runs</th>"
	    "<th>units/s</th><th>95%% interval</th><th>p50 s</th>"
	    "<th>p95 s</th><th>per-user loss %%</th><th>95%% interval</th>"
	    "<th>RSS MiB/worker</th><th>CPU %%</th><th>efficiency</th>"
	    "</tr>\n");
	for (i = 0; i < n; i++) {
		fprintf(fp, "<tr%s><td>%d</td><td>%zu</td><td>%.3f</td>",
		    (int)i == v->rec ? " class=\"rec\"" : "", lv[i].workers,
		    lv[i].nruns, lv[i].thr.mean);
		if (lv[i].thr.n >= 2)
			fprintf(fp, "<td>%.3f &ndash; %.3f</td>",
			    lv[i].thr.lo, lv[i].thr.hi);
		else
			fprintf(fp, "<td>n=1, no interval</td>");
		fprintf(fp, "<td>%.3f</td><td>%.3f</td><td>%+.1f</td>",
		    lv[i].p50, lv[i].p95, lv[i].loss.pct);
		if (isfinite(lv[i].loss.lo))
			fprintf(fp, "<td>%+.1f &ndash; %+.1f</td>",
			    lv[i].loss.lo, lv[i].loss.hi);
		else
			fprintf(fp, "<td>-</td>");
		fprintf(fp, "<td>%.1f</td><td>%.0f</td><td>%.2f</td></tr>\n",
		    lv[i].peak_rss_kb >= 0 ? lv[i].peak_rss_kb / 1024.0 : NAN,
		    scale_cpu_pct(&lv[i]), lv[i].eff);
	}
	fprintf(fp, "</table>\n");
}

/* The sweep as an HTML page; see scale.h. */
void
scale_html(FILE *fp, const char *file, const struct scale_level *lv,
    size_t n, const struct scale_verdict *v)
{
	static const struct scale_series thr = { "Throughput (95% interval)",
	    "units/s", scale_thr_mid, scale_thr_lo, scale_thr_hi };
	static const struct scale_series loss = { "Per-user loss against "
	    "the lowest level (95% interval)", "loss %", scale_loss_mid,
	    scale_loss_lo, scale_loss_hi };

	fprintf(fp, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	    "<title>bench scale: ");
	scale_html_text(fp, file);
	fprintf(fp, "</title><style>body{font-family:sans-serif;margin:2em}"
	    "table{border-collapse:collapse}td,th{border:1px solid #ccc;"
	    "padding:3px 8px;text-align:right}tr.rec{background:#e6f4ea}"
	    "</style></head><body>\n<h1>bench scale: ");
	scale_html_text(fp, file);
	fprintf(fp, "</h1>\n<p>Baseline: %d worker%s (the lowest level). "
	    "Per-user loss: the change of the mean unit latency against it. "
	    "Bars: 95%% intervals (t over the level's runs for throughput, "
	    "Welch for the loss).</p>\n", lv[0].workers,
	    scale_s(lv[0].workers));
	scale_svg(fp, lv, n, &thr);
	scale_svg(fp, lv, n, &loss);
	scale_html_table(fp, lv, n, v);
	fprintf(fp, "<p><b>recommended:</b> ");
	if (v->rec >= 0)
		fprintf(fp, "%d worker%s (", lv[v->rec].workers,
		    scale_s(lv[v->rec].workers));
	else
		fprintf(fp, "none (");
	scale_html_text(fp, v->why);
	fprintf(fp, ")%s</p>\n</body></html>\n", v->cpu_bound ?
	    "; the units are CPU-bound: no more workers than cores" : "");
}
