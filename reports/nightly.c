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

#include "nightly.h"
#include "report.h"
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
};

/* A flagged change. */
struct nightly_finding {
	char			*job, *testcase, *series;
	enum nightly_verdict	 verdict;
	double			 median, mad, newest, change_pct;
	int64_t			 run_id;
	size_t			 nbase;
};

/* Compare doubles for qsort. */
static int
nightly_dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median of v[0..n) (reorders v). */
static double
nightly_median(double *v, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof *v, nightly_dcmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
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
	v = xcalloc(n, sizeof *v);
	memcpy(v, prev, n * sizeof *v);
	m = nightly_median(v, n);
	for (i = 0; i < n; i++)
		v[i] = fabs(v[i] - m);
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

/* Keep finished runs. */
static int
nightly_on_run(const struct store_run_row *row, void *data)
{
	struct nightly_runs *rs = data;
	struct nightly_run *r;

	if (isnan(row->finished_at) || row->status == NULL ||
	    (strcmp(row->status, "ok") != 0 &&
	    strcmp(row->status, "failed") != 0))
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

/* One trend chart: values of a series over runs, dates on the axis. */
static void
nightly_chart(FILE *fp, const char *title, const char *unit,
    struct report **runs, size_t n, const char *tcname, const char *series,
    double scale, enum nightly_verdict verdict, double median)
{
	const int W = 300, H = 150, L = 48, B = 30, T = 18, R = 10;
	double vmin = INFINITY, vmax = -INFINITY, v, x, y, t0, t1;
	size_t i, k;
	char buf[32], b2[32];
	int any = 0;

	t0 = runs[0]->started_at;
	t1 = runs[n - 1]->started_at;
	if (t1 <= t0)
		t1 = t0 + 1;
	for (i = 0; i < n; i++) {
		v = nightly_value(runs[i], tcname, series) * scale;
		if (isnan(v))
			continue;
		any = 1;
		vmin = v < vmin ? v : vmin;
		vmax = v > vmax ? v : vmax;
	}
	if (!any)
		return;
	if (vmax == vmin) {
		vmax += fabs(vmax) * 0.05 + 1e-9;
		vmin -= fabs(vmin) * 0.05 + 1e-9;
	} else {
		double pad = (vmax - vmin) * 0.1;

		vmax += pad;
		vmin = vmin - pad < 0 && vmin >= 0 ? 0 : vmin - pad;
	}
	fprintf(fp, "<svg width=\"%d\" height=\"%d\" class=\"trend\" "
	    "role=\"img\" aria-label=\"", W, H);
	report_esc(fp, title);
	fputs("\"><text x=\"4\" y=\"12\" font-weight=\"bold\">", fp);
	report_esc(fp, title);
	fprintf(fp, "%s%s</text>", *unit ? " " : "", unit);
	fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#999\"/>", L, H - B, W - R, H - B);
	fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>",
	    L - 3, T + 8, report_num(vmax, buf, sizeof buf));
	fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>",
	    L - 3, H - B, report_num(vmin, buf, sizeof buf));
	for (k = 0; k < 3; k++) {
		double t = t0 + (t1 - t0) * (double)k / 2;

		fprintf(fp, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\" "
		    "class=\"date\">%s</text>", L + (W - L - R) * k / 2.0,
		    H - B + 14, k == 0 ? "start" : k == 1 ? "middle" : "end",
		    nightly_short_date(t, buf, sizeof buf));
	}
	if (!isnan(median)) {
		y = (H - B) - (H - B - T) * (median * scale - vmin) /
		    (vmax - vmin);
		if (y >= T && y <= H - B)
			fprintf(fp, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" "
			    "y2=\"%.1f\" stroke=\"#1e88e5\" stroke-dasharray="
			    "\"4,3\"><title>baseline median</title></line>", L,
			    W - R, y, y);
	}
	fputs("<polyline fill=\"none\" stroke=\"#555\" stroke-width=\"1.5\" "
	    "points=\"", fp);
	for (i = 0; i < n; i++) {
		v = nightly_value(runs[i], tcname, series) * scale;
		if (isnan(v))
			continue;
		x = L + (W - L - R) * (runs[i]->started_at - t0) / (t1 - t0);
		y = (H - B) - (H - B - T) * (v - vmin) / (vmax - vmin);
		fprintf(fp, "%.1f,%.1f ", x, y);
	}
	fputs("\"/>", fp);
	for (i = 0; i < n; i++) {
		const char *col = "#555";

		v = nightly_value(runs[i], tcname, series) * scale;
		if (isnan(v))
			continue;
		if (i == n - 1)
			col = verdict == NIGHTLY_REGRESSION ? "#e53935" :
			    verdict == NIGHTLY_IMPROVEMENT ? "#43a047" :
			    "#1e88e5";
		x = L + (W - L - R) * (runs[i]->started_at - t0) / (t1 - t0);
		y = (H - B) - (H - B - T) * (v - vmin) / (vmax - vmin);
		fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" "
		    "fill=\"%s\"><title>run %" PRId64 ", %s: %s</title>"
		    "</circle>", x, y, i == n - 1 ? 4 : 2, col, runs[i]->id,
		    report_date(runs[i]->started_at, buf, sizeof buf),
		    report_num(v, b2, sizeof b2));
	}
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

/* Analyse and draw one job; findings appended to *f. */
static int
nightly_job(struct store *st, const struct nightly_opts *o,
    struct nightly_runs *rs, const char *job, FILE *body,
    struct nightly_finding **f, size_t *nf, char **cause)
{
	struct report **runs = NULL, *newest;
	size_t i, j, k, n = 0, first, nbase, nv, total = 0;
	json_t *series, *sv;
	double *prev, med, mad, chg, val;
	enum nightly_verdict verdict;
	const char *sname;
	char buf[32];
	int *packed = NULL, *base = NULL, higher;
	size_t *runidx = NULL;

	for (i = 0; i < rs->n; i++) {
		if (strcmp(rs->v[i].job, job) == 0)
			total++;
	}
	first = total > (size_t)o->history + (size_t)o->window ?
	    total - (size_t)o->history - (size_t)o->window : 0;
	for (i = 0, k = 0; i < rs->n; i++) {
		if (strcmp(rs->v[i].job, job) != 0)
			continue;
		if (k++ < first)
			continue;
		runs = xreallocarray(runs, n + 1, sizeof *runs);
		packed = xreallocarray(packed, n + 1, sizeof *packed);
		runidx = xreallocarray(runidx, n + 1, sizeof *runidx);
		if (report_load(st, rs->v[i].id, &runs[n], cause) != 0)
			goto fail;
		packed[n] = nightly_packed(runs[n]);
		runidx[n] = i;
		n++;
	}
	if (n == 0) {
		free(runs);
		free(packed);
		free(runidx);
		return 0;
	}
	newest = runs[n - 1];
	/* baseline: same machine, same packing, the last `window` before */
	base = xcalloc(n, sizeof *base);
	nbase = 0;
	for (i = n - 1; i-- > 0 && nbase < (size_t)o->window;) {
		if (strcmp(rs->v[runidx[i]].fingerprint_id,
		    rs->v[runidx[n - 1]].fingerprint_id) != 0 ||
		    packed[i] != packed[n - 1])
			continue;
		base[i] = 1;
		nbase++;
	}
	fputs("<h2>", body);
	report_esc(body, job);
	fprintf(body, "</h2><p>%zu run%s drawn; newest run %" PRId64 " (%s, "
	    "%s). Baseline: %zu earlier run%s on the same machine with the "
	    "same packing%s.</p>\n", n, n == 1 ? "" : "s", newest->id,
	    report_date(newest->started_at, buf, sizeof buf),
	    packed[n - 1] ? "units co-running" : "units alone", nbase,
	    nbase == 1 ? "" : "s", nbase < (size_t)o->min_baseline ?
	    ": too few to judge" : "");
	prev = xcalloc(n + 1, sizeof *prev);
	for (j = 0; j < newest->ntcs; j++) {
		const char *tcname = newest->tcs[j].name;

		fputs("<h3>", body);
		report_esc(body, tcname);
		fputs("</h3><div>", body);
		series = nightly_series(runs, n, tcname);
		json_array_foreach(series, k, sv) {
			sname = json_string_value(sv);
			nv = 0;
			for (i = 0; i + 1 < n; i++) {
				if (!base[i])
					continue;
				val = nightly_value(runs[i], tcname, sname);
				if (!isnan(val))
					prev[nv++] = val;
			}
			higher = nightly_higher(sname);
			val = nightly_value(newest, tcname, sname);
			verdict = NIGHTLY_SAME;
			med = NAN;
			if (nightly_is_timing(newest, tcname, sname) &&
			    nv >= (size_t)o->min_baseline) {
				verdict = nightly_judge(prev, nv, val, higher,
				    o->threshold_pct, o->mad_k, &med, &mad,
				    &chg);
				if (verdict != NIGHTLY_SAME)
					nightly_add(f, nf, job, tcname, sname,
					    verdict, med, mad, val, chg,
					    newest->id, nv);
			}
			if (strcmp(sname, "wall_s") == 0)
				nightly_chart(body, "wall time", "(s)", runs, n,
				    tcname, sname, 1, verdict, med);
			else if (strcmp(sname, "peak_rss_kb") == 0)
				nightly_chart(body, "peak RSS", "(MiB)", runs,
				    n, tcname, sname, 1.0 / 1024, verdict,
				    isnan(med) ? NAN : med);
			else
				nightly_chart(body, sname,
				    nightly_is_timing(newest, tcname, sname) ?
				    (higher ? "(higher is better)" :
				    "(lower is better)") : "(quality)", runs, n,
				    tcname, sname, 1, verdict, med);
		}
		json_decref(series);
		fputs("</div>\n", body);
	}
	free(prev);
	for (i = 0; i < n; i++)
		report_free(runs[i]);
	free(runs);
	free(packed);
	free(runidx);
	free(base);
	return 0;
fail:
	for (i = 0; i < n; i++)
		report_free(runs[i]);
	free(runs);
	free(packed);
	free(runidx);
	free(base);
	return -1;
}

/* Render the nightly report. */
int
nightly_render(struct store *st, const struct nightly_opts *o, FILE *fp,
    int *regressions, int *improvements, char **cause)
{
	struct nightly_runs rs;
	struct nightly_finding *f = NULL;
	json_t *jobs = json_array(), *v;
	size_t i, j, nf = 0;
	char *text = NULL, buf[32], b2[32], b3[32];
	size_t len = 0;
	FILE *body;
	int rc = -1, mem;

	*regressions = *improvements = 0;
	memset(&rs, 0, sizeof rs);
	if (store_runs_list(st, o->job, nightly_on_run, &rs, cause) != 0)
		goto out;
	for (i = 0; i < rs.n; i++) {
		json_array_foreach(jobs, j, v) {
			if (strcmp(json_string_value(v), rs.v[i].job) == 0)
				break;
		}
		if (j == json_array_size(jobs))
			json_array_append_new(jobs, json_string(rs.v[i].job));
	}
	if ((body = open_memstream(&text, &len)) == NULL) {
		*cause = xstrdup("cannot allocate the report");
		goto out;
	}
	json_array_foreach(jobs, j, v) {
		if (nightly_job(st, o, &rs, json_string_value(v), body, &f, &nf,
		    cause) != 0) {
			fclose(body);
			goto out;
		}
	}
	fclose(body);

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
	    "<title>bench nightly</title><style>", fp);
	fputs(nightly_css, fp);
	fprintf(fp, "</style></head><body><h1>bench nightly</h1><p>%zu job%s, "
	    "%zu finished run%s. A change is flagged when it is beyond %.3g%% "
	    "of the baseline median and %.3g MAD, against up to %d earlier "
	    "runs on the same machine with the same packing.</p>\n",
	    json_array_size(jobs), json_array_size(jobs) == 1 ? "" : "s",
	    rs.n, rs.n == 1 ? "" : "s", o->threshold_pct, o->mad_k, o->window);
	for (i = 0; i < nf; i++) {
		if (f[i].verdict == NIGHTLY_REGRESSION)
			(*regressions)++;
		else
			(*improvements)++;
	}
	fprintf(fp, "<h2 id=\"findings\">Regressions and improvements</h2>"
	    "<p><span class=\"%s\">%d regression%s</span>, <span class=\"%s\">"
	    "%d improvement%s</span>.</p>\n", *regressions ? "reg" : "",
	    *regressions, *regressions == 1 ? "" : "s", *improvements ? "imp" :
	    "", *improvements, *improvements == 1 ? "" : "s");
	if (nf > 0) {
		fputs("<table><tr><th>verdict</th><th>job</th><th>test case"
		    "</th><th>series</th><th>baseline median</th><th>MAD</th>"
		    "<th>newest</th><th>change</th><th>run</th></tr>\n", fp);
		for (i = 0; i < nf; i++) {
			mem = strcmp(f[i].series, "peak_rss_kb") == 0;
			fprintf(fp, "<tr class=\"%s\"><td>%s</td><td>",
			    f[i].verdict == NIGHTLY_REGRESSION ? "reg" : "imp",
			    f[i].verdict == NIGHTLY_REGRESSION ? "regression" :
			    "improvement");
			report_esc(fp, f[i].job);
			fputs("</td><td>", fp);
			report_esc(fp, f[i].testcase);
			fputs("</td><td>", fp);
			report_esc(fp, f[i].series);
			fprintf(fp, "</td><td class=\"n\">%s</td><td class=\"n\">"
			    "%s</td><td class=\"n\">%s</td><td class=\"n\">"
			    "%+.1f%%</td><td class=\"n\">%" PRId64 " (vs %zu)"
			    "</td></tr>\n", report_num(f[i].median, buf,
			    sizeof buf), report_num(f[i].mad, b2, sizeof b2),
			    report_num(f[i].newest, b3, sizeof b3),
			    f[i].change_pct, f[i].run_id, f[i].nbase);
			(void)mem;
		}
		fputs("</table>\n", fp);
	}
	if (text != NULL)
		fwrite(text, 1, len, fp);
	fputs("</body></html>\n", fp);
	rc = 0;
out:
	for (i = 0; i < nf; i++) {
		free(f[i].job);
		free(f[i].testcase);
		free(f[i].series);
	}
	free(f);
	for (i = 0; i < rs.n; i++) {
		free(rs.v[i].job);
		free(rs.v[i].fingerprint_id);
	}
	free(rs.v);
	free(text);
	json_decref(jobs);
	return rc;
}
