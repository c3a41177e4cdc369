/*
 * nightly: history, trend charts and regression detection over the runs
 * of every job in a database (see nightly.h). Runs are loaded through
 * report_load, so the nightly report sees exactly what `bench report` sees.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "axis.h"
#include "nightly.h"
#include "report.h"
#include "stats.h"
#include "store.h"
#include "xalloc.h"
#include "banned.h"

#define NIGHTLY_MAD_SCALE	1.4826	/* MAD to standard deviation */

/* A finished run of the database. */
struct nightly_run {
	int64_t	 id;
	char	*job, *fingerprint_id;
	double	 started_at;
};
struct nightly_runs {
	struct nightly_run	*v;
	size_t			 n;
	const struct nightly_opts *o;	/* the label filter */
};

/* A flagged change. */
struct nightly_finding {
	char			*job, *testcase, *series;
	enum nightly_verdict	 verdict;
	double			 median, mad, newest, change_pct;
	int64_t			 run_id;
	size_t			 nbase;
};

/* Median of v[0..n), NAN when empty (stats.h). */
static double
nightly_median(const double *v, size_t n)
{
	struct stats s;

	stats_compute(v, n, &s);
	return s.median;
}

/* Judge newest against the baseline. */
enum nightly_verdict
nightly_judge(const double *prev, size_t n, double newest,
    int higher_is_better, double threshold_pct, double mad_k,
    double *median, double *mad, double *change_pct)
{
	double *v, m, d, rel;
	size_t i;

	*median = *mad = *change_pct = NAN;
	if (n == 0 || isnan(newest))
		return NIGHTLY_SAME;
	m = nightly_median(prev, n);
	v = xcalloc(n, sizeof *v);
	for (i = 0; i < n; i++)
		v[i] = fabs(prev[i] - m);
	*mad = NIGHTLY_MAD_SCALE * nightly_median(v, n);
	free(v);
	*median = m;
	d = newest - m;
	if (m == 0)
		return NIGHTLY_SAME;
	rel = 100.0 * d / fabs(m);
	*change_pct = rel;
	if (fabs(rel) <= threshold_pct || fabs(d) <= mad_k * *mad)
		return NIGHTLY_SAME;
	if ((d > 0) == (higher_is_better != 0))
		return NIGHTLY_IMPROVEMENT;
	return NIGHTLY_REGRESSION;
}

/* Whether labels (runs.labels text, NULL none) has every KEY=VALUE of
   o's --label options. */
static int
nightly_labelled(const struct nightly_opts *o, const char *labels)
{
	json_t *l = labels != NULL ? json_loads(labels, 0, NULL) : NULL;
	const char *eq, *v;
	size_t i, klen;
	int ok = 1;

	for (i = 0; i < o->nlabels && ok; i++) {
		eq = strchr(o->labels[i], '=');
		klen = eq != NULL ? (size_t)(eq - o->labels[i]) : 0;
		v = eq != NULL ? json_string_value(json_object_getn(l,
		    o->labels[i], klen)) : NULL;
		ok = v != NULL && strcmp(v, eq + 1) == 0;
	}
	json_decref(l);
	return ok;
}

/* Keep finished runs with the wanted labels. */
static int
nightly_on_run(const struct store_run_row *row, void *data)
{
	struct nightly_runs *rs = data;
	struct nightly_run *r;

	if (isnan(row->finished_at) || row->status == NULL ||
	    (strcmp(row->status, "ok") != 0 &&
	    strcmp(row->status, "failed") != 0) ||
	    !nightly_labelled(rs->o, row->labels))
		return 0;
	rs->v = xreallocarray(rs->v, rs->n + 1, sizeof *rs->v);
	r = &rs->v[rs->n++];
	r->id = row->id;
	r->job = xstrdup(row->job_name);
	r->fingerprint_id = xstrdup(row->fingerprint_id == NULL ? "" :
	    row->fingerprint_id);
	r->started_at = row->started_at;
	return 0;
}

/* Whether any unit of a loaded run co-ran with another. */
static int
nightly_packed(const struct report *r)
{
	size_t i;

	for (i = 0; i < r->nunits; i++) {
		if (r->units[i].co_running > 0)
			return 1;
	}
	return 0;
}

/* The value of series name for test case tc of run r; NAN when absent. */
static double
nightly_value(const struct report *r, const char *tcname, const char *series)
{
	const struct report_tc *tc = NULL;
	json_t *v;
	size_t i;

	for (i = 0; i < r->ntcs; i++) {
		if (strcmp(r->tcs[i].name, tcname) == 0) {
			tc = &r->tcs[i];
			break;
		}
	}
	if (tc == NULL)
		return NAN;
	if (strcmp(series, "wall_s") == 0)
		return tc->ok == tc->units && tc->units > 0 ? tc->wall_s : NAN;
	if (strcmp(series, "peak_rss_kb") == 0)
		return tc->peak_rss_kb < 0 ? NAN : (double)tc->peak_rss_kb;
	if ((v = json_object_get(tc->metrics, series)) == NULL)
		return NAN;
	return json_real_value(v);
}

/* Whether series is better higher. */
static int
nightly_higher(const char *series)
{
	if (strcmp(series, "wall_s") == 0 || strcmp(series, "peak_rss_kb") == 0)
		return 0;
	return report_higher_is_better(series);
}

/* Date as "MM-DD" or "MM-DD HH:MM". */
static const char *
nightly_short_date(double t, char *buf, size_t len)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%m-%d %H:%M", &tm) == 0)
		snprintf(buf, len, "?");
	return buf;
}

/* The geometry of a trend chart (pixels): size and margins; the left
   margin grows with the value labels (nightly_axis.l). */
enum {
	CHART_W = 300, CHART_H = 150,
	CHART_L = 30, CHART_B = 30, CHART_T = 24, CHART_R = 10,
	CHART_CHAR = 6,		/* width of a label character, about */
	CHART_TICKS = 4,	/* value ticks at most */
};

/* The ranges a chart maps: values vmin..vmax up (the ends of ya, round
   ticks), dates t0..t1 across; l is the left margin, wide enough for the
   longest value label. */
struct nightly_axis {
	double		 vmin, vmax, t0, t1;
	struct axis	 ya;
	int		 l;
};

/* The x of date t. */
static double
nightly_x(const struct nightly_axis *ax, double t)
{
	return ax->l + (CHART_W - ax->l - CHART_R) * (t - ax->t0) /
	    (ax->t1 - ax->t0);
}

/* The y of value v. */
static double
nightly_y(const struct nightly_axis *ax, double v)
{
	return (CHART_H - CHART_B) - (CHART_H - CHART_B - CHART_T) *
	    (v - ax->vmin) / (ax->vmax - ax->vmin);
}

/* The left margin that fits the longest value label ("-7500"). */
static void
nightly_margin(struct nightly_axis *ax)
{
	char buf[32];
	size_t len, w = 0;
	int k;

	for (k = 0; k < ax->ya.n; k++) {
		len = strlen(axis_label(&ax->ya, axis_at(&ax->ya, k), buf,
		    sizeof buf));
		w = len > w ? len : w;
	}
	ax->l = 8 + CHART_CHAR * (int)w;
	if (ax->l < CHART_L)
		ax->l = CHART_L;
}

/* The ranges of a series, padded to round ticks; 0 when it has no value
   at all. */
static int
nightly_range(struct report **runs, size_t n, const char *tcname,
    const char *series, double scale, struct nightly_axis *ax)
{
	double v, pad;
	size_t i;
	int any = 0;

	ax->vmin = INFINITY;
	ax->vmax = -INFINITY;
	ax->t0 = runs[0]->started_at;
	ax->t1 = runs[n - 1]->started_at;
	if (ax->t1 <= ax->t0)
		ax->t1 = ax->t0 + 1;
	for (i = 0; i < n; i++) {
		v = nightly_value(runs[i], tcname, series) * scale;
		if (isnan(v))
			continue;
		any = 1;
		ax->vmin = v < ax->vmin ? v : ax->vmin;
		ax->vmax = v > ax->vmax ? v : ax->vmax;
	}
	if (!any)
		return 0;
	if (ax->vmax > ax->vmin) {
		pad = (ax->vmax - ax->vmin) * 0.1;
		ax->vmax += pad;
		ax->vmin = ax->vmin - pad < 0 && ax->vmin >= 0 ? 0 :
		    ax->vmin - pad;
	}
	axis_ticks(ax->vmin, ax->vmax, CHART_TICKS, &ax->ya);
	ax->vmin = ax->ya.lo;
	ax->vmax = ax->ya.hi;
	nightly_margin(ax);
	return 1;
}

/* Open the chart: title, x axis, value and date labels. */
static void
nightly_frame(FILE *fp, const char *title, const char *unit,
    const struct nightly_axis *ax)
{
	char buf[32];
	double t, y;
	size_t k;

	fprintf(fp, "<svg width=\"%d\" height=\"%d\" class=\"trend\" "
	    "role=\"img\" aria-label=\"", CHART_W, CHART_H);
	report_esc(fp, title);
	fputs("\"><text x=\"4\" y=\"12\" font-weight=\"bold\">", fp);
	report_esc(fp, title);
	fprintf(fp, "%s%s</text>", *unit ? " " : "", unit);
	for (k = 0; k < (size_t)ax->ya.n; k++) {
		y = nightly_y(ax, axis_at(&ax->ya, (int)k));
		fprintf(fp, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" "
		    "y2=\"%.1f\" stroke=\"%s\"/><text x=\"%d\" y=\"%.1f\" "
		    "text-anchor=\"end\">%s</text>", ax->l, y,
		    CHART_W - CHART_R, y, k == 0 ? "#999" : "#eee", ax->l - 3,
		    y + 3, axis_label(&ax->ya, axis_at(&ax->ya, (int)k), buf,
		    sizeof buf));
	}
	for (k = 0; k < 3; k++) {
		t = ax->t0 + (ax->t1 - ax->t0) * (double)k / 2;
		fprintf(fp, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\" "
		    "class=\"date\">%s</text>", ax->l +
		    (CHART_W - ax->l - CHART_R) * k / 2.0,
		    CHART_H - CHART_B + 14,
		    k == 0 ? "start" : k == 1 ? "middle" : "end",
		    nightly_short_date(t, buf, sizeof buf));
	}
}

/* The line and the dots of the series; the newest dot is coloured by the
   verdict. */
static void
nightly_points(FILE *fp, struct report **runs, size_t n, const char *tcname,
    const char *series, double scale, enum nightly_verdict verdict,
    const struct nightly_axis *ax)
{
	const char *col;
	char buf[32], b2[32];
	double v;
	size_t i;

	fputs("<polyline fill=\"none\" stroke=\"#555\" stroke-width=\"1.5\" "
	    "points=\"", fp);
	for (i = 0; i < n; i++) {
		v = nightly_value(runs[i], tcname, series) * scale;
		if (!isnan(v))
			fprintf(fp, "%.1f,%.1f ",
			    nightly_x(ax, runs[i]->started_at),
			    nightly_y(ax, v));
	}
	fputs("\"/>", fp);
	for (i = 0; i < n; i++) {
		v = nightly_value(runs[i], tcname, series) * scale;
		if (isnan(v))
			continue;
		col = i < n - 1 ? "#555" : verdict == NIGHTLY_REGRESSION ?
		    "#e53935" : verdict == NIGHTLY_IMPROVEMENT ? "#43a047" :
		    "#1e88e5";
		fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" "
		    "fill=\"%s\"><title>run %" PRId64 ", %s: %s</title>"
		    "</circle>", nightly_x(ax, runs[i]->started_at),
		    nightly_y(ax, v), i == n - 1 ? 4 : 2, col, runs[i]->id,
		    report_date(runs[i]->started_at, buf, sizeof buf),
		    report_num(v, b2, sizeof b2));
	}
}

/* One trend chart: values of a series over runs, dates on the axis. */
static void
nightly_chart(FILE *fp, const char *title, const char *unit,
    struct report **runs, size_t n, const char *tcname, const char *series,
    double scale, enum nightly_verdict verdict, double median)
{
	struct nightly_axis ax;
	double y;

	if (!nightly_range(runs, n, tcname, series, scale, &ax))
		return;
	nightly_frame(fp, title, unit, &ax);
	if (!isnan(median)) {
		y = nightly_y(&ax, median * scale);
		if (y >= CHART_T && y <= CHART_H - CHART_B)
			fprintf(fp, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" "
			    "y2=\"%.1f\" stroke=\"#1e88e5\" stroke-dasharray="
			    "\"4,3\"><title>baseline median</title></line>",
			    ax.l, CHART_W - CHART_R, y, y);
	}
	nightly_points(fp, runs, n, tcname, series, scale, verdict, &ax);
	fputs("</svg>\n", fp);
}

static const char nightly_css[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}"
	"h1{font-size:22px}h2{font-size:18px;border-bottom:2px solid #ddd;"
	"margin-top:28px}h3{font-size:15px;margin:14px 0 4px}"
	"table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:"
	"1px solid #eee;text-align:left}th{background:#f4f4f4}"
	"td.n{text-align:right}.reg{color:#c62828;font-weight:bold}"
	".imp{color:#2e7d32;font-weight:bold}.note{color:#666;font-style:"
	"italic}svg{font:10px sans-serif;margin:2px 6px 2px 0;border:1px solid "
	"#eee}\n";

/* Add a finding. */
static void
nightly_add(struct nightly_finding **f, size_t *nf, const char *job,
    const char *tc, const char *series, enum nightly_verdict verdict,
    double median, double mad, double newest, double change, int64_t id,
    size_t nbase)
{
	struct nightly_finding *x;

	*f = xreallocarray(*f, *nf + 1, sizeof **f);
	x = &(*f)[(*nf)++];
	x->job = xstrdup(job);
	x->testcase = xstrdup(tc);
	x->series = xstrdup(series);
	x->verdict = verdict;
	x->median = median;
	x->mad = mad;
	x->newest = newest;
	x->change_pct = change;
	x->run_id = id;
	x->nbase = nbase;
}

/* The series names of a test case in run r: wall, peak, then metrics. */
static json_t *
nightly_series(struct report **runs, size_t n, const char *tcname)
{
	json_t *a = json_array(), *v;
	const char *name;
	size_t i, j, k;

	json_array_append_new(a, json_string("wall_s"));
	json_array_append_new(a, json_string("peak_rss_kb"));
	for (i = 0; i < n; i++) {
		for (j = 0; j < runs[i]->ntcs; j++) {
			if (strcmp(runs[i]->tcs[j].name, tcname) != 0)
				continue;
			json_object_foreach(runs[i]->tcs[j].metrics, name, v) {
				for (k = 0; k < json_array_size(a); k++) {
					if (strcmp(json_string_value(
					    json_array_get(a, k)), name) == 0)
						break;
				}
				if (k == json_array_size(a))
					json_array_append_new(a,
					    json_string(name));
			}
		}
	}
	return a;
}

/* Whether series is a timing metric of run r's test case. */
static int
nightly_is_timing(const struct report *r, const char *tcname,
    const char *series)
{
	size_t j;

	if (strcmp(series, "wall_s") == 0 || strcmp(series, "peak_rss_kb") == 0)
		return 1;
	for (j = 0; j < r->ntcs; j++) {
		if (strcmp(r->tcs[j].name, tcname) == 0)
			return json_object_get(r->tcs[j].timing, series) != NULL;
	}
	return 0;
}

/* The runs of one job drawn for the report, oldest first. */
struct nightly_history {
	const char	 *name;
	struct report	**runs;
	int		 *packed;	/* nightly_packed of each run */
	size_t		 *runidx;	/* index into nightly_runs */
	int		 *base;		/* 1: in the newest run's baseline */
	size_t		  n, nbase;
};

/* The findings so far. */
struct nightly_findings {
	struct nightly_finding	*v;
	size_t			 n;
};

/* Free what nightly_job_load and nightly_job_baseline allocated. */
static void
nightly_job_release(struct nightly_history *jb)
{
	size_t i;

	for (i = 0; i < jb->n; i++)
		report_free(jb->runs[i]);
	free(jb->runs);
	free(jb->packed);
	free(jb->runidx);
	free(jb->base);
}

/* Load the last history + window finished runs of job jb->name. */
static int
nightly_job_load(struct store *st, const struct nightly_opts *o,
    const struct nightly_runs *rs, struct nightly_history *jb, char **cause)
{
	size_t i, k, first, total = 0;

	for (i = 0; i < rs->n; i++) {
		if (strcmp(rs->v[i].job, jb->name) == 0)
			total++;
	}
	first = total > (size_t)o->history + (size_t)o->window ?
	    total - (size_t)o->history - (size_t)o->window : 0;
	for (i = 0, k = 0; i < rs->n; i++) {
		if (strcmp(rs->v[i].job, jb->name) != 0)
			continue;
		if (k++ < first)
			continue;
		jb->runs = xreallocarray(jb->runs, jb->n + 1,
		    sizeof *jb->runs);
		jb->packed = xreallocarray(jb->packed, jb->n + 1,
		    sizeof *jb->packed);
		jb->runidx = xreallocarray(jb->runidx, jb->n + 1,
		    sizeof *jb->runidx);
		if (report_load(st, rs->v[i].id, &jb->runs[jb->n], cause) != 0)
			return -1;
		jb->packed[jb->n] = nightly_packed(jb->runs[jb->n]);
		jb->runidx[jb->n] = i;
		jb->n++;
	}
	return 0;
}

/* The baseline: same machine, same packing, the last `window` before the
   newest run. */
static void
nightly_job_baseline(const struct nightly_opts *o,
    const struct nightly_runs *rs, struct nightly_history *jb)
{
	const char *machine = rs->v[jb->runidx[jb->n - 1]].fingerprint_id;
	size_t i;

	jb->base = xcalloc(jb->n, sizeof *jb->base);
	jb->nbase = 0;
	for (i = jb->n - 1; i-- > 0 && jb->nbase < (size_t)o->window;) {
		if (strcmp(rs->v[jb->runidx[i]].fingerprint_id, machine) != 0 ||
		    jb->packed[i] != jb->packed[jb->n - 1])
			continue;
		jb->base[i] = 1;
		jb->nbase++;
	}
}

/* The heading and the paragraph on the runs and the baseline of a job. */
static void
nightly_job_intro(FILE *body, const struct nightly_opts *o,
    const struct nightly_history *jb)
{
	const struct report *newest = jb->runs[jb->n - 1];
	char buf[32];

	fputs("<h2>", body);
	report_esc(body, jb->name);
	fprintf(body, "</h2><p>%zu run%s drawn; newest run %" PRId64 " (%s, "
	    "%s). Baseline: %zu earlier run%s on the same machine with the "
	    "same packing%s.</p>\n", jb->n, jb->n == 1 ? "" : "s", newest->id,
	    report_date(newest->started_at, buf, sizeof buf),
	    jb->packed[jb->n - 1] ? "units co-running" : "units alone",
	    jb->nbase, jb->nbase == 1 ? "" : "s",
	    jb->nbase < (size_t)o->min_baseline ? ": too few to judge" : "");
}

/* Judge series sname of test case tcname in the newest run against the
   baseline (prev: scratch of n values); a change is added to *f. *med is
   the baseline median, NAN when not judged. */
static enum nightly_verdict
nightly_series_judge(const struct nightly_opts *o,
    const struct nightly_history *jb, const char *tcname, const char *sname,
    double *prev, struct nightly_findings *f, double *med)
{
	const struct report *newest = jb->runs[jb->n - 1];
	enum nightly_verdict verdict = NIGHTLY_SAME;
	double val, mad, chg;
	size_t i, nv = 0;

	for (i = 0; i + 1 < jb->n; i++) {
		if (!jb->base[i])
			continue;
		val = nightly_value(jb->runs[i], tcname, sname);
		if (!isnan(val))
			prev[nv++] = val;
	}
	val = nightly_value(newest, tcname, sname);
	*med = NAN;
	if (nightly_is_timing(newest, tcname, sname) &&
	    nv >= (size_t)o->min_baseline) {
		verdict = nightly_judge(prev, nv, val, nightly_higher(sname),
		    o->threshold_pct, o->mad_k, med, &mad, &chg);
		if (verdict != NIGHTLY_SAME)
			nightly_add(&f->v, &f->n, jb->name, tcname, sname,
			    verdict, *med, mad, val, chg, newest->id, nv);
	}
	return verdict;
}

/* The chart of series sname: wall time, peak RSS, or a metric. */
static void
nightly_series_chart(FILE *body, const struct nightly_history *jb,
    const char *tcname, const char *sname, enum nightly_verdict verdict,
    double med)
{
	const struct report *newest = jb->runs[jb->n - 1];
	const char *unit;

	if (strcmp(sname, "wall_s") == 0)
		nightly_chart(body, "wall time", "(s)", jb->runs, jb->n,
		    tcname, sname, 1, verdict, med);
	else if (strcmp(sname, "peak_rss_kb") == 0)
		nightly_chart(body, "peak RSS", "(MiB)", jb->runs, jb->n,
		    tcname, sname, 1.0 / 1024, verdict, med);
	else {
		unit = !nightly_is_timing(newest, tcname, sname) ?
		    "(quality)" : nightly_higher(sname) ?
		    "(higher is better)" : "(lower is better)";
		nightly_chart(body, sname, unit, jb->runs, jb->n, tcname,
		    sname, 1, verdict, med);
	}
}

/* The section of one test case: a chart per series, each judged. */
static void
nightly_tc(FILE *body, const struct nightly_opts *o,
    const struct nightly_history *jb, const char *tcname, double *prev,
    struct nightly_findings *f)
{
	enum nightly_verdict verdict;
	json_t *series, *sv;
	double med;
	size_t k;

	fputs("<h3>", body);
	report_esc(body, tcname);
	fputs("</h3><div>", body);
	series = nightly_series(jb->runs, jb->n, tcname);
	json_array_foreach(series, k, sv) {
		verdict = nightly_series_judge(o, jb, tcname,
		    json_string_value(sv), prev, f, &med);
		nightly_series_chart(body, jb, tcname, json_string_value(sv),
		    verdict, med);
	}
	json_decref(series);
	fputs("</div>\n", body);
}

/* Analyse and draw one job; findings appended to *f. */
static int
nightly_job(struct store *st, const struct nightly_opts *o,
    const struct nightly_runs *rs, const char *job, FILE *body,
    struct nightly_findings *f, char **cause)
{
	struct nightly_history jb;
	const struct report *newest;
	double *prev;
	size_t j;

	memset(&jb, 0, sizeof jb);
	jb.name = job;
	if (nightly_job_load(st, o, rs, &jb, cause) != 0) {
		nightly_job_release(&jb);
		return -1;
	}
	if (jb.n == 0) {
		nightly_job_release(&jb);
		return 0;
	}
	newest = jb.runs[jb.n - 1];
	nightly_job_baseline(o, rs, &jb);
	nightly_job_intro(body, o, &jb);
	prev = xcalloc(jb.n + 1, sizeof *prev);
	for (j = 0; j < newest->ntcs; j++)
		nightly_tc(body, o, &jb, newest->tcs[j].name, prev, f);
	free(prev);
	nightly_job_release(&jb);
	return 0;
}

/* The names of the jobs of rs, first-seen order. */
static json_t *
nightly_jobs(const struct nightly_runs *rs)
{
	json_t *jobs = json_array(), *v;
	size_t i, j;

	for (i = 0; i < rs->n; i++) {
		json_array_foreach(jobs, j, v) {
			if (strcmp(json_string_value(v), rs->v[i].job) == 0)
				break;
		}
		if (j == json_array_size(jobs))
			json_array_append_new(jobs, json_string(rs->v[i].job));
	}
	return jobs;
}

/* Draw every job into *text (allocated, *len bytes), the findings into
   *f. */
static int
nightly_body(struct store *st, const struct nightly_opts *o,
    const struct nightly_runs *rs, json_t *jobs, char **text, size_t *len,
    struct nightly_findings *f, char **cause)
{
	json_t *v;
	FILE *body;
	size_t j;

	if ((body = open_memstream(text, len)) == NULL) {
		*cause = xstrdup("cannot allocate the report");
		return -1;
	}
	json_array_foreach(jobs, j, v) {
		if (nightly_job(st, o, rs, json_string_value(v), body, f,
		    cause) != 0) {
			fclose(body);
			return -1;
		}
	}
	fclose(body);
	return 0;
}

/* The page head and the paragraph on the rule. */
static void
nightly_head(FILE *fp, const struct nightly_opts *o, size_t njobs,
    size_t nruns)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
	    "charset=\"utf-8\"/><title>bench nightly</title><style>", fp);
	fputs(nightly_css, fp);
	fprintf(fp, "</style></head><body><h1>bench nightly</h1><p>%zu job%s, "
	    "%zu finished run%s. A change is flagged when it is beyond %.3g%% "
	    "of the baseline median and %.3g MAD, against up to %d earlier "
	    "runs on the same machine with the same packing.</p>\n",
	    njobs, njobs == 1 ? "" : "s", nruns, nruns == 1 ? "" : "s",
	    o->threshold_pct, o->mad_k, o->window);
}

/* A row of the findings table. */
static void
nightly_finding_row(FILE *fp, const struct nightly_finding *f)
{
	int reg = f->verdict == NIGHTLY_REGRESSION;
	char buf[32], b2[32], b3[32];

	fprintf(fp, "<tr class=\"%s\"><td>%s</td><td>", reg ? "reg" : "imp",
	    reg ? "regression" : "improvement");
	report_esc(fp, f->job);
	fputs("</td><td>", fp);
	report_esc(fp, f->testcase);
	fputs("</td><td>", fp);
	report_esc(fp, f->series);
	fprintf(fp, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
	    "<td class=\"n\">%s</td><td class=\"n\">%+.1f%%</td>"
	    "<td class=\"n\">%" PRId64 " (vs %zu)</td></tr>\n",
	    report_num(f->median, buf, sizeof buf),
	    report_num(f->mad, b2, sizeof b2),
	    report_num(f->newest, b3, sizeof b3), f->change_pct, f->run_id,
	    f->nbase);
}

/* The findings: counts into *reg and *imp, a line, and the table. */
static void
nightly_findings_table(FILE *fp, const struct nightly_findings *f, int *reg,
    int *imp)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (f->v[i].verdict == NIGHTLY_REGRESSION)
			(*reg)++;
		else
			(*imp)++;
	}
	fprintf(fp, "<h2 id=\"findings\">Regressions and improvements</h2>"
	    "<p><span class=\"%s\">%d regression%s</span>, <span class=\"%s\">"
	    "%d improvement%s</span>.</p>\n", *reg ? "reg" : "", *reg,
	    *reg == 1 ? "" : "s", *imp ? "imp" : "", *imp,
	    *imp == 1 ? "" : "s");
	if (f->n == 0)
		return;
	fputs("<table><tr><th>verdict</th><th>job</th><th>test case</th>"
	    "<th>series</th><th>baseline median</th><th>MAD</th>"
	    "<th>newest</th><th>change</th><th>run</th></tr>\n", fp);
	for (i = 0; i < f->n; i++)
		nightly_finding_row(fp, &f->v[i]);
	fputs("</table>\n", fp);
}

/* Free the findings and the runs. */
static void
nightly_clear(struct nightly_findings *f, struct nightly_runs *rs)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].job);
		free(f->v[i].testcase);
		free(f->v[i].series);
	}
	free(f->v);
	for (i = 0; i < rs->n; i++) {
		free(rs->v[i].job);
		free(rs->v[i].fingerprint_id);
	}
	free(rs->v);
}

/* Render the nightly report. */
int
nightly_render(struct store *st, const struct nightly_opts *o, FILE *fp,
    int *regressions, int *improvements, char **cause)
{
	struct nightly_runs rs;
	struct nightly_findings f = { NULL, 0 };
	json_t *jobs = NULL;
	char *text = NULL;
	size_t len = 0;
	int rc = -1;

	*regressions = *improvements = 0;
	memset(&rs, 0, sizeof rs);
	rs.o = o;
	if (store_runs_list(st, o->job, nightly_on_run, &rs, cause) != 0)
		goto out;
	jobs = nightly_jobs(&rs);
	if (nightly_body(st, o, &rs, jobs, &text, &len, &f, cause) != 0)
		goto out;
	nightly_head(fp, o, json_array_size(jobs), rs.n);
	nightly_findings_table(fp, &f, regressions, improvements);
	if (text != NULL)
		fwrite(text, 1, len, fp);
	fputs("</body></html>\n", fp);
	rc = 0;
out:
	nightly_clear(&f, &rs);
	free(text);
	json_decref(jobs);
	return rc;
}
