/*
 * report-html: one self-contained HTML file for people: inline CSS and
 * inline SVG, no script, nothing fetched. Sections: summary, ranking,
 * statistics over the repeats (reports/runstats.h), speedup against the newest run of the same job in the other mode,
 * utilization of the worker slots, memory, failures with log tails.
 * Every string from a job, a test case or a worker goes through
 * report_esc. Large runs are aggregated (time buckets, histograms, capped
 * lists) so the file stays small.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "axis.h"
#include "report.h"
#include "runstats.h"
#include "stats.h"
#include "store.h"
#include "term.h"
#include "xalloc.h"
#include "banned.h"

#define HTML_BARS_MAX		2000	/* units drawn one bar each */
#define HTML_BUCKETS		300	/* time buckets beyond that */
#define HTML_TABLE_MAX		200	/* rows of a table */
#define HTML_CHART_ROWS		40	/* rows of a bar chart */
#define HTML_FAILURES_MAX	50
#define HTML_PEAK_BARS_MAX	60
#define HTML_SERIES_MAX		30	/* units drawn in the RSS chart */
#define HTML_TAIL_LINES		20
#define HTML_TAIL_BYTES		4096

static const char html_css[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;"
	"max-width:1300px}\n"
	"h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;"
	"border-bottom:2px solid #ddd;padding-bottom:4px}\n"
	"table{border-collapse:collapse;margin:6px 0}"
	"td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:left}"
	"th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:"
	"tabular-nums}\n"
	".kv td:first-child{color:#666}.ok{color:#2e7d32}.bad{color:#c62828;"
	"font-weight:bold}.note{color:#666;font-style:italic}\n"
	".cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid "
	"#ddd;border-radius:6px;padding:8px 14px;min-width:120px}"
	".card b{display:block;font-size:22px}\n"
	"pre{background:#f7f7f7;padding:8px;overflow:auto;max-height:300px;"
	"font-size:12px}svg{font:11px sans-serif}svg text{fill:#333}\n"
	".legend span{display:inline-block;width:12px;height:12px;"
	"margin:0 4px 0 12px;vertical-align:middle}\n"
	".serieslegend{font-size:12px;max-width:900px;margin:2px 0 12px 70px}"
	".serieslegend span{display:inline-block;margin:0 14px 2px 0;"
	"white-space:nowrap}.serieslegend small{color:#888}\n"
	".wide{overflow-x:auto}table.stats{font-size:13px}table.stats td,"
	"table.stats th{padding:3px 6px}table.stats td.n{white-space:nowrap}"
	"\n";

/* Colour of a unit status. */
static const char *
html_color(const char *status)
{
	if (strcmp(status, "ok") == 0)
		return "#43a047";
	if (strcmp(status, "failed") == 0)
		return "#e53935";
	if (strcmp(status, "timeout") == 0)
		return "#fb8c00";
	if (strcmp(status, "crashed") == 0)
		return "#8e24aa";
	if (strcmp(status, "oom") == 0)
		return "#d81b60";
	return "#9e9e9e";
}

/* A duration as text. */
static const char *
html_dur(double s, char *buf, size_t len)
{
	return term_duration(s, buf, len);
}

/* A size in KiB as MiB/GiB text. */
static const char *
html_kb(double kb, char *buf, size_t len)
{
	if (isnan(kb) || kb < 0)
		snprintf(buf, len, "-");
	else if (kb >= 1024.0 * 1024)
		snprintf(buf, len, "%.2f GiB", kb / 1024 / 1024);
	else
		snprintf(buf, len, "%.1f MiB", kb / 1024);
	return buf;
}

/*
 * An axis in a unit chosen for its size: a value v is drawn at
 * axis_frac(&ax, v / div) and labelled in unit. Built by html_scale_time
 * and html_scale_kb over 0..max, so its ticks are round in the unit shown.
 */
struct html_scale {
	struct axis	 ax;
	double		 div;
	const char	*unit;	/* "s", "MiB"..., "" */
};

/* A plain axis over lo..hi, unit appended to the labels (may be ""). */
static void
html_scale_plain(double lo, double hi, int ticks, const char *unit,
    struct html_scale *sc)
{
	sc->div = 1;
	sc->unit = unit;
	axis_ticks(lo, hi, ticks, &sc->ax);
}

/* A time axis over 0..max_s seconds: s, min or h. */
static void
html_scale_time(double max_s, int ticks, struct html_scale *sc)
{
	sc->div = max_s >= 2 * 3600 ? 3600 : max_s >= 300 ? 60 : 1;
	sc->unit = sc->div == 3600 ? "h" : sc->div == 60 ? "min" : "s";
	axis_ticks(0, max_s / sc->div, ticks, &sc->ax);
}

/* A memory axis over 0..max_kb KiB: MiB or GiB. */
static void
html_scale_kb(double max_kb, int ticks, struct html_scale *sc)
{
	sc->div = max_kb >= 2.0 * 1024 * 1024 ? 1024.0 * 1024 : 1024;
	sc->unit = sc->div > 1024 ? "GiB" : "MiB";
	axis_ticks(0, max_kb / sc->div, ticks, &sc->ax);
}

/* The label of tick i, with the unit. */
static const char *
html_scale_label(const struct html_scale *sc, int i, char *buf, size_t len)
{
	char num[32];

	axis_label(&sc->ax, axis_at(&sc->ax, i), num, sizeof num);
	/* "5 s", "2 MiB", but "50%" */
	if (snprintf(buf, len, "%s%s%s", num, *sc->unit != '\0' &&
	    *sc->unit != '%' ? " " : "", sc->unit) < 0)
		snprintf(buf, len, "?");
	return buf;
}

/* Where v (in the data's own unit) falls: 0 at the axis' start, 1 at its
   end. */
static double
html_scale_frac(const struct html_scale *sc, double v)
{
	return axis_frac(&sc->ax, v / sc->div);
}

/* The largest value the axis shows, in the data's own unit. */
static double
html_scale_max(const struct html_scale *sc)
{
	return sc->ax.hi * sc->div;
}

/* The summary cards and facts. */
static void
html_summary(FILE *fp, struct report *r)
{
	char b1[32], b2[32], b3[32];
	double wall = r->finished_at - r->started_at;
	size_t i, bad = 0;

	for (i = 0; i < r->nunits; i++) {
		if (strcmp(r->units[i].status, "ok") != 0 &&
		    strcmp(r->units[i].status, "skipped") != 0)
			bad++;
	}
	fputs("<div class=\"section\" id=\"summary\"><div class=\"cards\">", fp);
	fprintf(fp, "<div class=\"card\">status<b class=\"%s\">%s</b></div>",
	    strcmp(r->status, "ok") == 0 ? "ok" : "bad", r->status);
	fprintf(fp, "<div class=\"card\">mode<b>%s</b></div>", r->mode);
	fprintf(fp, "<div class=\"card\">workers<b>%d</b></div>", r->workers);
	fprintf(fp, "<div class=\"card\">wall time<b>%s</b></div>",
	    html_dur(wall, b1, sizeof b1));
	fprintf(fp, "<div class=\"card\">units ok<b class=\"ok\">%d</b></div>",
	    r->units_ok);
	fprintf(fp, "<div class=\"card\">units failed<b class=\"%s\">%zu</b>"
	    "</div>", bad ? "bad" : "ok", bad);
	fprintf(fp, "<div class=\"card\">test cases<b>%zu</b></div></div>\n",
	    r->ntcs);
	fputs("<table class=\"kv\"><tr><td>job</td><td>", fp);
	report_esc(fp, r->job_name);
	fputs("</td></tr><tr><td>job file</td><td>", fp);
	report_esc(fp, r->job_path);
	fputs("</td></tr><tr><td>job sha256</td><td><code>", fp);
	report_esc(fp, r->job_sha256);
	fputs("</code></td></tr><tr><td>host</td><td>", fp);
	report_esc(fp, r->host);
	fputs(" &#183; ", fp);
	report_esc(fp, json_string_value(json_object_get(r->fingerprint,
	    "cpu_model")));
	fprintf(fp, " &#183; %" JSON_INTEGER_FORMAT " cores &#183; %s",
	    json_integer_value(json_object_get(r->fingerprint, "cores")),
	    html_kb((double)json_integer_value(json_object_get(r->fingerprint,
	    "mem_total_kb")), b3, sizeof b3));
	fprintf(fp, "</td></tr><tr><td>started</td><td>%s</td></tr>"
	    "<tr><td>finished</td><td>%s</td></tr>"
	    "<tr><td>launcher</td><td>", report_date(r->started_at, b1,
	    sizeof b1), report_date(r->finished_at, b2, sizeof b2));
	report_esc(fp, r->launcher);
	fputs("</td></tr></table></div>\n", fp);
}

/* The ranking table. */
static void
html_ranking(FILE *fp, struct report *r)
{
	struct report_tc *tc;
	json_t *v;
	size_t i, j;
	char buf[64];

	fputs("<div class=\"section\" id=\"ranking\"><h2>Ranking</h2><table><tr>"
	    "<th>rank</th><th>test case</th>", fp);
	json_array_foreach(r->columns, j, v) {
		fputs("<th>", fp);
		report_esc(fp, json_string_value(v));
		fputs("</th>", fp);
	}
	fputs("<th>units</th><th>status</th><th>time</th><th>peak RSS</th>"
	    "</tr>\n", fp);
	for (i = 0; i < r->ntcs && i < HTML_TABLE_MAX; i++) {
		tc = &r->tcs[r->ranked[i]];
		fprintf(fp, "<tr><td class=\"n\">%zu</td><td>", tc->rank);
		report_esc(fp, tc->name);
		fputs("</td>", fp);
		json_array_foreach(r->columns, j, v) {
			v = json_object_get(tc->metrics, json_string_value(v));
			fprintf(fp, "<td class=\"n\">%s</td>", report_num(v ==
			    NULL ? NAN : json_real_value(v), buf, sizeof buf));
		}
		fprintf(fp, "<td class=\"n\">%zu</td>", tc->units);
		if (tc->bad)
			fprintf(fp, "<td class=\"bad\">%zu failed</td>",
			    tc->bad);
		else if (tc->ok == tc->units)
			fputs("<td class=\"ok\">ok</td>", fp);
		else
			fputs("<td>skipped/not run</td>", fp);
		fprintf(fp, "<td class=\"n\">%s</td>", html_dur(tc->wall_s,
		    buf, sizeof buf));
		fprintf(fp, "<td class=\"n\">%s</td></tr>\n",
		    html_kb((double)tc->peak_rss_kb, buf, sizeof buf));
	}
	fputs("</table>", fp);
	if (r->ntcs > HTML_TABLE_MAX)
		fprintf(fp, "<p class=\"note\">%zu more test cases not shown "
		    "(bench report --format csv has them all)</p>", r->ntcs -
		    HTML_TABLE_MAX);
	fputs("</div>\n", fp);
}

/*
 * v with five significant digits for the statistics table, where report_num's
 * four decimals make 146357.0182 of a checksum and push the table past the
 * page: 146357, 7548.4, 2.2691, 0.0148 (report_num below 1e-3 and from 1e7).
 */
static const char *
html_sig(double v, char *buf, size_t len)
{
	char *e;
	int dec;

	if (isnan(v) || v == 0 || fabs(v) < 1e-3 || fabs(v) >= 1e7)
		return report_num(v, buf, len);
	dec = 4 - (int)floor(log10(fabs(v)));
	dec = dec < 0 ? 0 : dec > 4 ? 4 : dec;
	snprintf(buf, len, "%.*f", dec, v);
	if (dec > 0) {
		e = buf + strlen(buf) - 1;
		while (*e == '0')
			*e-- = '\0';
		if (*e == '.')
			*e = '\0';
	}
	return buf;
}

/* One row of the statistics table: test case tc, metric, summary st. */
static void
html_stats_row(FILE *fp, const char *tc, const char *metric, json_t *st)
{
	json_int_t n = json_integer_value(json_object_get(st, "n"));
	json_int_t out = json_integer_value(json_object_get(st, "outliers"));
	double mean = json_number_value(json_object_get(st, "mean"));
	double lo = json_number_value(json_object_get(st, "lo"));
	double hi = json_number_value(json_object_get(st, "hi"));
	static const char *const rest[] = { "median", "sd", "min", "max" };
	char b1[32], b2[32], b3[32];
	size_t i;

	fputs("<tr><td>", fp);
	report_esc(fp, tc);
	fputs("</td><td>", fp);
	report_esc(fp, metric);
	fprintf(fp, "</td><td class=\"n\">%lld</td><td class=\"n\">%s</td>",
	    (long long)n, html_sig(mean, b1, sizeof b1));
	if (n < 2 || !json_is_number(json_object_get(st, "lo")))
		fputs("<td class=\"note\" colspan=\"2\">n=1: no interval</td>",
		    fp);
	else
		fprintf(fp, "<td class=\"n\">&#177; %s</td><td class=\"n\">"
		    "[%s, %s]</td>", html_sig(hi - mean, b1, sizeof b1),
		    html_sig(lo, b2, sizeof b2), html_sig(hi, b3,
		    sizeof b3));
	for (i = 0; i < sizeof rest / sizeof rest[0]; i++)
		fprintf(fp, "<td class=\"n\">%s</td>", html_sig(
		    json_is_number(json_object_get(st, rest[i])) ?
		    json_number_value(json_object_get(st, rest[i])) : NAN, b1,
		    sizeof b1));
	if (out > 0)
		fprintf(fp, "<td class=\"bad\">%lld outlier%s</td></tr>\n",
		    (long long)out, out == 1 ? "" : "s");
	else
		fputs("<td></td></tr>\n", fp);
}

/*
 * Statistics over the repeats: per test case and metric (wall_s first) n,
 * mean, the 95% t interval, median, sigma, min, max and Tukey outliers;
 * without repeats a note says every figure is a single sample.
 */
static int
html_stats(FILE *fp, struct report *r, char **cause)
{
	json_t *samples, *sum, *tc, *st;
	const char *name, *metric;
	size_t rows = 0;

	if (runstats_load(r->st, r->id, &samples, cause) != 0)
		return -1;
	fputs("<div class=\"section\" id=\"stats\"><h2>Statistics</h2>\n", fp);
	if (!runstats_has_repeats(samples)) {
		fputs("<p class=\"note\">Every test case was measured once "
		    "(n=1): no interval, no spread. Run with --repeat N (and "
		    "--warmup K) to get them.</p></div>\n", fp);
		json_decref(samples);
		return 0;
	}
	sum = runstats_summary(samples);
	json_decref(samples);
	fputs("<p>Over the measured units (warm-up left out); the interval "
	    "is the 95% Student t interval of the mean, outliers are "
	    "Tukey's (beyond 1.5 IQR).</p><div class=\"wide\"><table "
	    "class=\"stats\"><tr><th>test case</th>"
	    "<th>metric</th><th>n</th><th>mean</th><th>&#177; 95%</th>"
	    "<th>95% interval</th><th>median</th><th>&#963;</th><th>min</th>"
	    "<th>max</th><th>outliers</th></tr>\n", fp);
	json_object_foreach(sum, name, tc) {
		json_object_foreach(tc, metric, st) {
			if (rows++ < HTML_TABLE_MAX)
				html_stats_row(fp, name, metric, st);
		}
	}
	fputs("</table></div>", fp);
	if (rows > HTML_TABLE_MAX)
		fprintf(fp, "<p class=\"note\">%zu more rows not shown (bench "
		    "report --format csv writes them all to stats.csv)</p>",
		    rows - HTML_TABLE_MAX);
	fputs("</div>\n", fp);
	json_decref(sum);
	return 0;
}

/* Runs of the same job content, for the speedup section. */
struct html_peer {
	int64_t	 id;
	char	 mode[16];
	int	 workers;
	double	 wall;
};
struct html_peers {
	const char		*sha;
	struct html_peer	*v;
	size_t			 n;
};

/* Keep finished runs with the same job_sha256. */
static int
html_on_peer(const struct store_run_row *row, void *data)
{
	struct html_peers *p = data;
	struct html_peer *e;

	if (row->job_sha256 == NULL || strcmp(row->job_sha256, p->sha) != 0 ||
	    isnan(row->finished_at) || row->status == NULL ||
	    (strcmp(row->status, "ok") != 0 &&
	    strcmp(row->status, "failed") != 0))
		return 0;
	p->v = xreallocarray(p->v, p->n + 1, sizeof *p->v);
	e = &p->v[p->n++];
	e->id = row->id;
	snprintf(e->mode, sizeof e->mode, "%s", row->mode);
	e->workers = strcmp(row->mode, "serial") == 0 ? 1 : row->workers;
	e->wall = row->finished_at - row->started_at;
	return 0;
}

/* The geometry of the speedup-versus-workers chart (pixels). */
enum {
	CURVE_W = 440, CURVE_H = 300,
	CURVE_L = 50, CURVE_B = 40, CURVE_T = 20, CURVE_R = 50,
};

/* The speedup curve's points: per worker count the newest run (the
   serial run ser for 1 worker in serial mode), and the axis ranges. */
struct html_curve {
	struct html_peer	*best[257];	/* by worker count, 1..256 */
	double			 maxw, maxs;	/* the axes' ends */
	struct axis		 wa, sa;	/* workers, speedup */
};

/* Pick the points of the curve and its ranges. */
static void
html_curve_points(struct html_peers *p, const struct html_peer *ser,
    struct html_curve *c)
{
	double s;
	size_t i;
	int w;

	memset(c->best, 0, sizeof c->best);
	c->maxw = c->maxs = 1;
	for (i = 0; i < p->n; i++) {
		w = p->v[i].workers;
		if (w < 1 || w > 256 || p->v[i].wall <= 0)
			continue;
		if (strcmp(p->v[i].mode, "serial") == 0 && w == 1 &&
		    p->v[i].id != ser->id)
			continue;
		if (c->best[w] == NULL || p->v[i].id > c->best[w]->id)
			c->best[w] = &p->v[i];
	}
	for (w = 1; w <= 256; w++) {
		if (c->best[w] == NULL)
			continue;
		if (w > c->maxw)
			c->maxw = w;
		s = ser->wall / c->best[w]->wall;
		if (s > c->maxs)
			c->maxs = s;
	}
	c->maxw = c->maxw < 2 ? 2 : c->maxw;
	/* whole workers: at most one tick per worker */
	axis_ticks(0, c->maxw, c->maxw < 5 ? (int)c->maxw + 1 : 6, &c->wa);
	c->maxw = c->wa.hi;
	axis_ticks(0, c->maxs < c->maxw ? c->maxw : c->maxs, 6, &c->sa);
	c->maxs = c->sa.hi;
}

/* Open the curve chart: axes, the ideal line, ticks and axis names. */
static void
html_curve_axes(FILE *fp, const struct html_curve *c)
{
	char buf[32];
	size_t i;

	fprintf(fp, "<svg width=\"%d\" height=\"%d\" role=\"img\" "
	    "aria-label=\"speedup versus workers\">", CURVE_W, CURVE_H);
	fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#999\"/><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#999\"/>", CURVE_L, CURVE_H - CURVE_B, CURVE_W - CURVE_R,
	    CURVE_H - CURVE_B, CURVE_L, CURVE_T, CURVE_L, CURVE_H - CURVE_B);
	/* ideal: speedup = workers */
	fprintf(fp, "<line class=\"ideal\" x1=\"%.1f\" y1=\"%.1f\" "
	    "x2=\"%.1f\" y2=\"%.1f\" stroke=\"#1e88e5\" stroke-dasharray="
	    "\"5,4\"/>", CURVE_L + (CURVE_W - CURVE_L - CURVE_R) * 0.0,
	    (double)(CURVE_H - CURVE_B),
	    CURVE_L + (CURVE_W - CURVE_L - CURVE_R) * 1.0,
	    (CURVE_H - CURVE_B) - (CURVE_H - CURVE_B - CURVE_T) *
	    (c->maxw / c->maxs));
	fprintf(fp, "<text x=\"%d\" y=\"%d\" fill=\"#1e88e5\">ideal</text>",
	    CURVE_W - CURVE_R - 40, CURVE_T + 12);
	for (i = 0; i < (size_t)c->sa.n; i++)
		fprintf(fp, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">"
		    "%s</text>", CURVE_L - 4, (CURVE_H - CURVE_B) -
		    (CURVE_H - CURVE_B - CURVE_T) * axis_frac(&c->sa,
		    axis_at(&c->sa, (int)i)) + 4, axis_label(&c->sa,
		    axis_at(&c->sa, (int)i), buf, sizeof buf));
	for (i = 0; i < (size_t)c->wa.n; i++)
		fprintf(fp, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
		    "%s</text>", CURVE_L + (CURVE_W - CURVE_L - CURVE_R) *
		    axis_frac(&c->wa, axis_at(&c->wa, (int)i)), CURVE_H -
		    CURVE_B + 14, axis_label(&c->wa, axis_at(&c->wa, (int)i),
		    buf, sizeof buf));
	fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">workers"
	    "</text><text x=\"12\" y=\"%d\" transform=\"rotate(-90 12 %d)\" "
	    "text-anchor=\"middle\">speedup</text>", (CURVE_L + CURVE_W -
	    CURVE_R) / 2, CURVE_H - 6, CURVE_H / 2, CURVE_H / 2);
}

/* The x of worker count w on the curve chart. */
static double
html_curve_x(const struct html_curve *c, int w)
{
	return CURVE_L + (CURVE_W - CURVE_L - CURVE_R) * w / c->maxw;
}

/* The y of speedup s on the curve chart. */
static double
html_curve_y(const struct html_curve *c, double s)
{
	return (CURVE_H - CURVE_B) - (CURVE_H - CURVE_B - CURVE_T) * s /
	    c->maxs;
}

/* The speedup-versus-workers chart: points and the ideal line. */
static void
html_speedup_curve(FILE *fp, struct html_peers *p,
    const struct html_peer *ser, int64_t this_id)
{
	struct html_curve c;
	const struct html_peer *b;
	double x, y, s;
	int w;

	html_curve_points(p, ser, &c);
	html_curve_axes(fp, &c);
	fputs("<polyline class=\"measured\" fill=\"none\" stroke=\"#e53935\" "
	    "stroke-width=\"2\" points=\"", fp);
	fprintf(fp, "%d,%d ", CURVE_L, CURVE_H - CURVE_B);
	for (w = 1; w <= 256; w++) {
		if (c.best[w] != NULL)
			fprintf(fp, "%.1f,%.1f ", html_curve_x(&c, w),
			    html_curve_y(&c, ser->wall / c.best[w]->wall));
	}
	fputs("\"/>", fp);
	for (w = 1; w <= 256; w++) {
		if ((b = c.best[w]) == NULL)
			continue;
		s = ser->wall / b->wall;
		x = html_curve_x(&c, w);
		y = html_curve_y(&c, s);
		fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" "
		    "fill=\"%s\"><title>%d worker%s: speedup %.2f (run %"
		    PRId64 ")</title></circle><text x=\"%.1f\" y=\"%.1f\">"
		    "%.2f&#215;</text>", x, y, b->id == this_id ? 6 : 4,
		    b->id == this_id ? "#b71c1c" : "#e53935", w,
		    w == 1 ? "" : "s", s, b->id, x + 6, y - 6, s);
	}
	fputs("</svg>", fp);
}

/* The geometry of the speedup bars (pixels): bar width, row height. */
enum {
	SPEEDUP_BW = 360, SPEEDUP_LH = 18,
};

/* The serial and the parallel run of the speedup section, and the test
   cases of the serial run by name. */
struct html_pair {
	struct report	*sr, *pr;
	json_t		*idx;		/* name -> index into sr->tcs */
	double		 total;		/* speedup of the whole run */
	json_t		*ss, *ps;	/* runstats_load of sr and pr */
	double		 rel;		/* relative half-width of total's
					   95% interval, NAN none */
	size_t		 single;	/* test cases with one unit, not drawn */
};

/* The relative half-width of the 95% t interval of the mean of a's
   values (hw / mean); NAN with fewer than 2 or a mean of 0. */
static double
html_rel_hw(json_t *a)
{
	struct stats st;
	double *v;
	size_t n;

	if (json_array_size(a) < 2)
		return NAN;
	v = runstats_values(a, &n);
	stats_compute(v, n, &st);
	free(v);
	return st.mean != 0 && isfinite(st.hi) ? (st.hi - st.mean) /
	    fabs(st.mean) : NAN;
}

/* The relative half-width of a run's total unit time: the test cases'
   relative half-widths of their mean wall_s, weighted by their share of
   the time, in quadrature; NAN when no test case had repeats. */
static double
html_run_rel(json_t *samples)
{
	json_t *tc, *a, *x;
	const char *name;
	double tot = 0, var = 0, sum, rel;
	size_t i;
	int any = 0;

	json_object_foreach(samples, name, tc) {
		a = json_object_get(tc, "wall_s");
		sum = 0;
		json_array_foreach(a, i, x)
			sum += json_number_value(x);
		tot += sum;
		if (!isnan(rel = html_rel_hw(a))) {
			var += (rel * sum) * (rel * sum);
			any = 1;
		}
	}
	return any && tot > 0 ? sqrt(var) / tot : NAN;
}

/* Two relative half-widths combined (the delta method for a ratio); a
   side without repeats takes the other's, NAN when neither has one. */
static double
html_rel_ratio(double a, double b)
{
	if (isnan(a))
		a = b;
	if (isnan(b))
		b = a;
	return sqrt(a * a + b * b);
}

/* The relative half-width of test case name's speedup, or NAN. */
static double
html_tc_rel(const struct html_pair *hp, const char *name)
{
	return html_rel_ratio(html_rel_hw(json_object_get(json_object_get(
	    hp->ss, name), "wall_s")), html_rel_hw(json_object_get(
	    json_object_get(hp->ps, name), "wall_s")));
}

/* The serial run's test case matching pt, or NULL. */
static struct report_tc *
html_pair_serial(const struct html_pair *hp, const struct report_tc *pt)
{
	json_t *v = json_object_get(hp->idx, pt->name);

	return v == NULL ? NULL : &hp->sr->tcs[json_integer_value(v)];
}

/* The serial test case of pt when its bar is drawn: both runs have it
   and neither ran it as a single measured unit (one unit's speedup is
   noise; a warm-up is not measured). */
static const struct report_tc *
html_pair_drawn(const struct html_pair *hp, const struct report_tc *pt)
{
	const struct report_tc *st = html_pair_serial(hp, pt);

	return st == NULL || st->measured < 2 || pt->measured < 2 ? NULL : st;
}

/* The speedup axis: 0 to the largest of the total, the workers and every
   test case's speedup, with round ticks. */
static void
html_pair_scale(const struct html_pair *hp, struct axis *ax)
{
	const struct report_tc *st, *pt;
	double maxs, tp;
	size_t i;

	maxs = hp->total > hp->pr->workers ? hp->total : hp->pr->workers;
	for (i = 0; i < hp->pr->ntcs; i++) {
		pt = &hp->pr->tcs[i];
		if ((st = html_pair_drawn(hp, pt)) == NULL)
			continue;
		tp = pt->last_end - pt->first_start;
		if (tp > 0 && st->wall_s / tp > maxs)
			maxs = st->wall_s / tp;
	}
	axis_ticks(0, maxs, 6, ax);
}

/* One bar of the per-test-case speedup chart, row j. */
static void
html_speedup_bar(FILE *fp, size_t j, const char *name, double s,
    double rel, double ideal, double maxs, int total)
{
	const int BW = SPEEDUP_BW, LH = SPEEDUP_LH;
	char cut[44];

	fprintf(fp, "<text x=\"254\" y=\"%zu\" text-anchor=\"end\">",
	    j * LH + 13);
	if (strlen(name) > 40) {
		snprintf(cut, sizeof cut, "%.37s...", name);
		report_esc(fp, cut);
	} else
		report_esc(fp, name);
	fprintf(fp, "</text><rect x=\"260\" y=\"%zu\" width=\"%.1f\" "
	    "height=\"%d\" fill=\"%s\"/>", j * LH + 3, isnan(s) ? 0 :
	    BW * s / maxs, LH - 5, total ? "#e53935" : "#ef9a9a");
	fprintf(fp, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%zu\" y2=\"%zu\""
	    " stroke=\"#1e88e5\" stroke-width=\"2\"><title>ideal "
	    "%.0f&#215;</title></line>", 260 + BW * ideal / maxs,
	    260 + BW * ideal / maxs, j * LH + 1, j * LH + LH, ideal);
	if (!isnan(s) && !isnan(rel))
		fprintf(fp, "<line class=\"ci\" x1=\"%.1f\" x2=\"%.1f\" "
		    "y1=\"%zu\" y2=\"%zu\" stroke=\"#222\" stroke-width="
		    "\"1.5\"><title>95%% interval %.2f&#8211;%.2f&#215;</title>"
		    "</line>", 260 + BW * s * (1 - rel) / maxs, 260 + BW * s *
		    (1 + rel) / maxs, j * LH + 3 + (LH - 5) / 2, j * LH + 3 +
		    (LH - 5) / 2, s * (1 - rel), s * (1 + rel));
	fprintf(fp, "<text x=\"%.1f\" y=\"%zu\">%.2f&#215;</text>",
	    264 + (isnan(s) ? 0 : BW * s * (isnan(rel) ? 1 : 1 + rel) / maxs),
	    j * LH + 13, isnan(s) ? 0 : s);
}

/* Per test case: serial time / parallel span, against the ideal, with
   the whole run last; whiskers are 95% intervals. Test cases with one
   unit are left out and counted in a note. */
static void
html_speedup_bars(FILE *fp, const struct html_pair *hp)
{
	const struct report *pr = hp->pr;
	const struct report_tc *st, *pt;
	const int BW = SPEEDUP_BW, LH = SPEEDUP_LH;
	double maxs, s, tp, rel;
	size_t i, j, shown, units, drawn = 0;
	const char *name;
	struct axis ax;
	char buf[32];

	html_pair_scale(hp, &ax);
	maxs = ax.hi;
	for (i = 0; i < pr->ntcs; i++)
		drawn += html_pair_drawn(hp, &pr->tcs[i]) != NULL;
	shown = drawn + 1 < HTML_CHART_ROWS ? drawn + 1 : HTML_CHART_ROWS;
	fprintf(fp, "<svg width=\"%d\" height=\"%zu\" role=\"img\" "
	    "aria-label=\"speedup per test case\">", 260 + BW + 60,
	    (shown + 1) * LH + 24);
	for (j = 0; j < (size_t)ax.n; j++)
		fprintf(fp, "<text x=\"%.1f\" y=\"%zu\" text-anchor=\"middle\">"
		    "%s&#215;</text>", 260 + BW * axis_frac(&ax,
		    axis_at(&ax, (int)j)), (shown + 1) * LH + 16,
		    axis_label(&ax, axis_at(&ax, (int)j), buf, sizeof buf));
	for (i = 0, j = 0; i <= pr->ntcs && j < shown; i++) {
		if (i == pr->ntcs) {
			name = "TOTAL (run wall time)";
			s = hp->total;
			rel = hp->rel;
			units = pr->nunits;
		} else {
			pt = &pr->tcs[pr->ranked[i]];
			if ((st = html_pair_drawn(hp, pt)) == NULL)
				continue;
			if (j == shown - 1)
				continue;	/* keep a row for the total */
			tp = pt->last_end - pt->first_start;
			s = tp > 0 ? st->wall_s / tp : NAN;
			rel = html_tc_rel(hp, pt->name);
			name = pt->name;
			units = pt->units;
		}
		html_speedup_bar(fp, j, name, s, rel, (double)(units <
		    (size_t)pr->workers ? units : (size_t)pr->workers), maxs,
		    i == pr->ntcs);
		j++;
	}
	fputs("</svg><p class=\"legend\"><span style=\"background:#ef9a9a\">"
	    "</span>serial time / parallel span per test case<span style=\""
	    "background:#1e88e5\"></span>ideal (units, at most workers)"
	    "<span style=\"background:#222;height:2px\"></span>95% interval"
	    "</p>", fp);
	if (drawn + 1 > HTML_CHART_ROWS)
		fprintf(fp, "<p class=\"note\">%zu test cases not drawn.</p>",
		    drawn + 1 - HTML_CHART_ROWS);
	if (hp->single > 0)
		fprintf(fp, "<p class=\"note\" id=\"single-unit\">%zu test "
		    "case%s with a single unit not drawn: one unit's speedup "
		    "is noise (run with --repeat N).</p>", hp->single,
		    hp->single == 1 ? "" : "s");
	fputs("</div></div>", fp);
}

/* The newest finished run of the same job in the other mode, or NULL. */
static struct html_peer *
html_speedup_other(const struct html_peers *p, const struct report *r)
{
	struct html_peer *other = NULL;
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (p->v[i].id == r->id)
			continue;
		if (strcmp(p->v[i].mode, r->mode) != 0 && (other == NULL ||
		    p->v[i].id > other->id))
			other = &p->v[i];
	}
	return other;
}

/* " (95% interval LO-HI)" of v with relative half-width rel, scaled by
   mul and followed by unit, into buf; "" when rel is NAN. */
static const char *
html_ci_text(double v, double rel, double mul, const char *unit, char *buf,
    size_t len)
{
	if (isnan(rel) || isnan(v))
		snprintf(buf, len, "%s", "");
	else
		snprintf(buf, len, " <span class=\"ci\">(95%% interval "
		    "%.*f&#8211;%.*f%s)</span>", mul > 1 ? 0 : 2, mul * v *
		    (1 - rel), mul > 1 ? 0 : 2, mul * v * (1 + rel), unit);
	return buf;
}

/* The paragraph on the whole run's speedup and the charts; with repeats
   in either run the speedup and the efficiency carry a 95% interval (the
   runs' relative intervals of their unit times, combined by the delta
   method). */
static int
html_speedup_pair(FILE *fp, struct report *r, struct html_peers *p,
    struct html_pair *hp, char **cause)
{
	struct report *sr = hp->sr, *pr = hp->pr;
	struct html_peer ser;
	char b1[32], b2[32], c1[128], c2[128];
	double eff;
	size_t i;

	if (runstats_load(sr->st, sr->id, &hp->ss, cause) != 0)
		return -1;
	if (runstats_load(pr->st, pr->id, &hp->ps, cause) != 0) {
		json_decref(hp->ss);
		return -1;
	}
	memset(&ser, 0, sizeof ser);
	ser.id = sr->id;
	ser.wall = sr->finished_at - sr->started_at;
	hp->total = (sr->finished_at - sr->started_at) /
	    (pr->finished_at - pr->started_at);
	hp->rel = html_rel_ratio(html_run_rel(hp->ss), html_run_rel(hp->ps));
	eff = pr->workers > 0 ? hp->total / pr->workers : NAN;
	fprintf(fp, "<p>Serial run %" PRId64 " took <b>%s</b>; parallel run %"
	    PRId64 " with %d worker%s took <b>%s</b>: speedup <b id=\"total-"
	    "speedup\">%.2f&#215;</b>%s, parallel efficiency <b>%.0f%%</b>%s "
	    "(ideal %d&#215;).</p>\n", sr->id, html_dur(sr->finished_at -
	    sr->started_at, b1, sizeof b1), pr->id, pr->workers,
	    pr->workers == 1 ? "" : "s", html_dur(pr->finished_at - pr->started_at, b2, sizeof b2),
	    hp->total, html_ci_text(hp->total, hp->rel, 1, "&#215;", c1,
	    sizeof c1), 100 * eff, html_ci_text(eff, hp->rel, 100, "%", c2,
	    sizeof c2), pr->workers);
	if (isnan(hp->rel))
		fputs("<p class=\"note\">Neither run had repeats: no interval "
		    "(run both with --repeat N).</p>\n", fp);
	fputs("<div class=\"cards\"><div>", fp);
	html_speedup_curve(fp, p, &ser, r->id);
	fputs("</div><div>", fp);
	hp->idx = json_object();
	for (i = 0; i < sr->ntcs; i++)
		json_object_set_new(hp->idx, sr->tcs[i].name, json_integer(
		    (json_int_t)i));
	for (i = 0; i < pr->ntcs; i++)
		hp->single += html_pair_serial(hp, &pr->tcs[i]) != NULL &&
		    html_pair_drawn(hp, &pr->tcs[i]) == NULL;
	html_speedup_bars(fp, hp);
	json_decref(hp->idx);
	json_decref(hp->ss);
	json_decref(hp->ps);
	return 0;
}

/* Speedup: this run against the newest run of the other mode. */
static int
html_speedup(FILE *fp, struct report *r, char **cause)
{
	struct html_peers p;
	struct html_peer *other;
	struct html_pair hp;
	struct report *o = NULL;
	int serial = strcmp(r->mode, "serial") == 0;

	fputs("<div class=\"section\" id=\"speedup\"><h2>Speedup</h2>\n", fp);
	memset(&p, 0, sizeof p);
	p.sha = r->job_sha256;
	if (store_runs_list(r->st, r->job_name, html_on_peer, &p, cause) != 0)
		return -1;
	if ((other = html_speedup_other(&p, r)) == NULL) {
		fprintf(fp, "<p class=\"note\">No finished %s run of the same "
		    "job (same job_sha256) in the database: run it with%s to "
		    "see the speedup.</p></div>\n", serial ? "parallel" :
		    "serial", serial ? " --parallel -w N" : " --serial");
		free(p.v);
		return 0;
	}
	if (report_load(r->st, other->id, &o, cause) != 0) {
		free(p.v);
		return -1;
	}
	memset(&hp, 0, sizeof hp);
	hp.sr = serial ? r : o;
	hp.pr = serial ? o : r;
	if (html_speedup_pair(fp, r, &p, &hp, cause) != 0) {
		report_free(o);
		free(p.v);
		return -1;
	}
	report_free(o);
	free(p.v);
	fputs("</div>\n", fp);
	return 0;
}

/* The geometry of the slot timeline (pixels): plot width, left margin. */
enum {
	TL_PW = 900, TL_L = 70,
};

/* The slot timeline being drawn. */
struct html_timeline {
	double	 t0, span;	/* start and length of the time axis */
	int	 nslots, rowh;	/* slots, pixels per slot */
	double	*busy;		/* busy seconds per slot */
};

/* The first start and last end of the units into *t0, *t1; 0 when no
   unit ran. */
static int
html_unit_span(const struct report *r, double *t0, double *t1)
{
	const struct report_unit *u;
	size_t i;

	*t0 = *t1 = NAN;
	for (i = 0; i < r->nunits; i++) {
		u = &r->units[i];
		if (isnan(u->started_at) || isnan(u->finished_at))
			continue;
		if (isnan(*t0) || u->started_at < *t0)
			*t0 = u->started_at;
		if (isnan(*t1) || u->finished_at > *t1)
			*t1 = u->finished_at;
	}
	return !isnan(*t0);
}

/* The label of slot s, unless the rows are too thin for every label. */
static void
html_slot_label(FILE *fp, const struct html_timeline *tl, int s)
{
	if (tl->rowh >= 10 || s % 8 == 0)
		fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">"
		    "slot %d</text>", TL_L - 6, s * tl->rowh + tl->rowh / 2 + 4,
		    s);
}

/* 1 when unit u ran on a slot, with known times. */
static int
html_unit_placed(const struct report_unit *u)
{
	return u->worker_slot >= 0 && !isnan(u->started_at) &&
	    !isnan(u->finished_at);
}

/* A bar per unit. */
static void
html_timeline_bars(FILE *fp, const struct report *r,
    struct html_timeline *tl)
{
	const struct report_unit *u;
	double x0, x1;
	char buf[32];
	size_t i;

	for (i = 0; i < r->nunits; i++) {
		u = &r->units[i];
		if (!html_unit_placed(u))
			continue;
		x0 = TL_L + TL_PW * (u->started_at - tl->t0) / tl->span;
		x1 = TL_L + TL_PW * (u->finished_at - tl->t0) / tl->span;
		tl->busy[u->worker_slot] += u->finished_at - u->started_at;
		fprintf(fp, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
		    "height=\"%d\" fill=\"%s\" stroke=\"#fff\" "
		    "stroke-width=\"0.5\"><title>", x0, u->worker_slot *
		    tl->rowh + 1, x1 - x0 < 0.5 ? 0.5 : x1 - x0, tl->rowh - 2,
		    html_color(u->status));
		report_esc(fp, r->tcs[u->tc].name);
		fprintf(fp, ": %s, %s</title></rect>", u->status,
		    html_dur(u->wall_s, buf, sizeof buf));
	}
}

/* Add the busy seconds of unit u to its slot's buckets of bw seconds:
   bok when it ended ok, else bbad. */
static void
html_bucket_add(const struct report_unit *u, double t0, double bw,
    double *bok, double *bbad)
{
	double lo, hi, a, e;
	int b, k, kb;

	k = (int)((u->started_at - t0) / bw);
	kb = (int)((u->finished_at - t0) / bw);
	for (b = k < 0 ? 0 : k; b <= kb && b < HTML_BUCKETS; b++) {
		lo = t0 + b * bw;
		hi = lo + bw;
		a = u->started_at > lo ? u->started_at : lo;
		e = u->finished_at < hi ? u->finished_at : hi;
		if (e <= a)
			continue;
		if (strcmp(u->status, "ok") == 0)
			bok[u->worker_slot * HTML_BUCKETS + b] += e - a;
		else
			bbad[u->worker_slot * HTML_BUCKETS + b] += e - a;
	}
}

/* The ok (green) and not-ok (red) busy fractions of bucket b of slot s,
   stacked. */
static void
html_bucket_draw(FILE *fp, const struct html_timeline *tl, int s, int b,
    double fo, double fb)
{
	double h = tl->rowh - 2;

	if (fo > 1)
		fo = 1;
	if (fb > 1 - fo)
		fb = 1 - fo;
	if (fo > 0.005)
		fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" "
		    "height=\"%.1f\" fill=\"#43a047\"/>", TL_L +
		    (double)TL_PW * b / HTML_BUCKETS, s * tl->rowh + 1 +
		    h * (1 - fo), (double)TL_PW / HTML_BUCKETS, h * fo);
	if (fb > 0.005)
		fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" "
		    "height=\"%.1f\" fill=\"#e53935\"/>", TL_L +
		    (double)TL_PW * b / HTML_BUCKETS, s * tl->rowh + 1 +
		    h * (1 - fo - fb), (double)TL_PW / HTML_BUCKETS, h * fb);
}

/* Too many units for a bar each: the busy fraction per slot and time
   bucket. */
static void
html_timeline_buckets(FILE *fp, const struct report *r,
    struct html_timeline *tl)
{
	const struct report_unit *u;
	double *bok, *bbad, bw = tl->span / HTML_BUCKETS;
	size_t i;
	int s, b;

	bok = xcalloc((size_t)tl->nslots * HTML_BUCKETS, sizeof *bok);
	bbad = xcalloc((size_t)tl->nslots * HTML_BUCKETS, sizeof *bbad);
	for (i = 0; i < r->nunits; i++) {
		u = &r->units[i];
		if (!html_unit_placed(u))
			continue;
		tl->busy[u->worker_slot] += u->finished_at - u->started_at;
		html_bucket_add(u, tl->t0, bw, bok, bbad);
	}
	for (s = 0; s < tl->nslots; s++) {
		for (b = 0; b < HTML_BUCKETS; b++)
			html_bucket_draw(fp, tl, s, b,
			    bok[s * HTML_BUCKETS + b] / bw,
			    bbad[s * HTML_BUCKETS + b] / bw);
	}
	free(bok);
	free(bbad);
}

/* The time axis of the timeline, and its legend or note. */
static void
html_timeline_axis(FILE *fp, const struct report *r,
    const struct html_timeline *tl)
{
	struct html_scale sc;
	char buf[32];
	double f;
	int k;

	/* round times up to the end of the span */
	html_scale_time(tl->span, 7, &sc);
	for (k = 0; k < sc.ax.n; k++) {
		f = axis_at(&sc.ax, k) * sc.div / tl->span;
		if (f > 1 + 1e-9)
			break;
		fprintf(fp, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" "
		    "y2=\"%d\" stroke=\"#999\"/><text x=\"%.1f\" y=\"%d\" "
		    "text-anchor=\"middle\">%s</text>", TL_L + TL_PW * f,
		    TL_L + TL_PW * f, tl->nslots * tl->rowh,
		    tl->nslots * tl->rowh + 3, TL_L + TL_PW * f,
		    tl->nslots * tl->rowh + 14,
		    html_scale_label(&sc, k, buf, sizeof buf));
	}
	fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">time since "
	    "the run started</text></svg>\n", TL_L + TL_PW / 2,
	    tl->nslots * tl->rowh + 30);
	if (r->nunits > HTML_BARS_MAX)
		fprintf(fp, "<p class=\"note\">%zu units: drawn as the busy "
		    "fraction of each slot in %d time buckets (green ok, red "
		    "not ok).</p>", r->nunits, HTML_BUCKETS);
	else
		fputs("<p class=\"legend\"><span style=\"background:#43a047\">"
		    "</span>ok<span style=\"background:#e53935\"></span>failed"
		    "<span style=\"background:#fb8c00\"></span>timeout<span "
		    "style=\"background:#8e24aa\"></span>crashed<span style=\""
		    "background:#d81b60\"></span>oom</p>", fp);
}

/* The busy fraction per slot. */
static void
html_busy(FILE *fp, const struct html_timeline *tl)
{
	int s, rowh = tl->rowh;
	double f;

	fputs("<h3>Busy fraction per slot</h3>", fp);
	fprintf(fp, "<svg width=\"%d\" height=\"%d\" role=\"img\" "
	    "aria-label=\"busy fraction per slot\" id=\"busy\">",
	    TL_L + 400 + 60, tl->nslots * rowh + 4);
	for (s = 0; s < tl->nslots; s++) {
		f = tl->busy[s] / tl->span;
		if (f > 1)
			f = 1;
		html_slot_label(fp, tl, s);
		fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"400\" "
		    "height=\"%d\" fill=\"#eee\"/><rect x=\"%d\" y=\"%d\" "
		    "width=\"%.1f\" height=\"%d\" fill=\"#1e88e5\"><title>"
		    "slot %d busy %.1f%%</title></rect>", TL_L, s * rowh + 1,
		    rowh - 2, TL_L, s * rowh + 1, 400 * f, rowh - 2, s,
		    100 * f);
		if (rowh >= 10)
			fprintf(fp, "<text x=\"%d\" y=\"%d\">%.0f%%</text>",
			    TL_L + 406, s * rowh + rowh / 2 + 4, 100 * f);
	}
	fputs("</svg></div>\n", fp);
}

/* Utilization: slot timeline and busy fraction per slot. */
static void
html_utilization(FILE *fp, struct report *r)
{
	struct html_timeline tl;
	double t1;
	int s;

	fputs("<div class=\"section\" id=\"utilization\"><h2>Utilization"
	    "</h2>\n", fp);
	tl.nslots = r->nslots;
	if (!html_unit_span(r, &tl.t0, &t1) || tl.nslots == 0) {
		fputs("<p class=\"note\">No unit ran.</p></div>\n", fp);
		return;
	}
	if (!isnan(r->started_at) && r->started_at < tl.t0)
		tl.t0 = r->started_at;
	tl.span = t1 - tl.t0 > 0 ? t1 - tl.t0 : 1e-6;
	tl.rowh = tl.nslots <= 16 ? 22 : tl.nslots <= 64 ? 10 : 4;
	tl.busy = xcalloc((size_t)tl.nslots, sizeof *tl.busy);
	fprintf(fp, "<svg width=\"%d\" height=\"%d\" role=\"img\" "
	    "aria-label=\"worker slot timeline\" id=\"timeline\">",
	    TL_L + TL_PW + 20, tl.nslots * tl.rowh + 34);
	for (s = 0; s < tl.nslots; s++)
		html_slot_label(fp, &tl, s);
	if (r->nunits <= HTML_BARS_MAX)
		html_timeline_bars(fp, r, &tl);
	else
		html_timeline_buckets(fp, r, &tl);
	html_timeline_axis(fp, r, &tl);
	html_busy(fp, &tl);
	free(tl.busy);
}

/* Samples of one unit, for the time-series charts. */
struct html_series {
	int64_t			 unit_id;
	const struct report_unit *u;	/* its unit (html_series_units) */
	double			*t;
	double			*v[3];	/* by enum html_kind; NAN: none */
	size_t			 n;
	double			 peak;
};
struct html_samples {
	struct html_series	*v;
	size_t			 n;
	int			 any[3];	/* by enum html_kind */
};

/* What a time-series chart draws. */
enum html_kind {
	HTML_RSS,	/* KiB */
	HTML_VRAM,	/* MiB */
	HTML_CPU,	/* percent of one core */
};

/* The geometry of a time-series chart (pixels). */
enum {
	SER_W = 900, SER_H = 260, SER_L = 70, SER_R = 40, SER_B = 34,
	SER_T = 10,
};

/* Ten colours, then the same dashed, then dotted: 30 lines apart. */
static const char *const html_pal[] = { "#1f77b4", "#ff7f0e", "#2ca02c",
    "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
    "#17becf" };
static const char *const html_dash[] = { "none", "6,3", "2,2" };

/* Collect a sample. */
static int
html_on_sample(const struct store_sample_row *s, void *data)
{
	struct html_samples *hs = data;
	struct html_series *se;
	double v[3];
	int k;

	if (hs->n == 0 || hs->v[hs->n - 1].unit_id != s->unit_id) {
		hs->v = xreallocarray(hs->v, hs->n + 1, sizeof *hs->v);
		se = &hs->v[hs->n++];
		memset(se, 0, sizeof *se);
		se->unit_id = s->unit_id;
	}
	se = &hs->v[hs->n - 1];
	v[HTML_RSS] = s->rss_kb < 0 ? NAN : (double)s->rss_kb;
	v[HTML_VRAM] = s->vram_mb;
	v[HTML_CPU] = s->cpu_pct;
	se->t = xreallocarray(se->t, se->n + 1, sizeof *se->t);
	se->t[se->n] = s->t;
	for (k = 0; k < 3; k++) {
		se->v[k] = xreallocarray(se->v[k], se->n + 1,
		    sizeof *se->v[k]);
		se->v[k][se->n] = v[k];
		if (!isnan(v[k]))
			hs->any[k] = 1;
	}
	if (s->rss_kb > se->peak)
		se->peak = (double)s->rss_kb;
	se->n++;
	return 0;
}

/* Order series by peak, biggest first. */
static int
html_series_cmp(const void *a, const void *b)
{
	const struct html_series *x = a, *y = b;

	return x->peak > y->peak ? -1 : x->peak < y->peak;
}

/* Point every series at its unit; drop those whose unit is not in r. */
static void
html_series_units(const struct report *r, struct html_samples *hs)
{
	json_t *idx = json_object(), *at;
	char key[32];
	size_t i, k = 0;

	for (i = 0; i < r->nunits; i++) {
		snprintf(key, sizeof key, "%" PRId64, r->units[i].id);
		json_object_set_new(idx, key, json_integer((json_int_t)i));
	}
	for (i = 0; i < hs->n; i++) {
		snprintf(key, sizeof key, "%" PRId64, hs->v[i].unit_id);
		if ((at = json_object_get(idx, key)) == NULL) {
			free(hs->v[i].t);
			free(hs->v[i].v[0]);
			free(hs->v[i].v[1]);
			free(hs->v[i].v[2]);
			continue;
		}
		hs->v[k] = hs->v[i];
		hs->v[k++].u = &r->units[json_integer_value(at)];
	}
	hs->n = k;
	json_decref(idx);
}

/* The axes' ends: the last sample's time (since the run started) and the
   largest value of kind over the first n series. */
static void
html_series_range(const struct report *r, const struct html_samples *hs,
    size_t n, enum html_kind kind, double *tmax, double *vmax)
{
	const struct html_series *se;
	double t, v;
	size_t i, j;

	*tmax = 1e-6;
	*vmax = 0;
	for (i = 0; i < n; i++) {
		se = &hs->v[i];
		for (j = 0; j < se->n; j++) {
			t = se->u->started_at - r->started_at + se->t[j];
			v = se->v[kind][j];
			if (t > *tmax)
				*tmax = t;
			if (!isnan(v) && v > *vmax)
				*vmax = v;
		}
	}
}

/* The frame of a time-series chart: axes, value ticks with grid lines,
   time ticks up to tmax, the axis name. */
static void
html_series_frame(FILE *fp, const struct html_scale *ys,
    const struct html_scale *xs, double tmax, const char *what)
{
	const int PH = SER_H - SER_B - SER_T, PW = SER_W - SER_L - SER_R;
	char buf[32];
	double y, x;
	int k;

	fprintf(fp, "<svg width=\"%d\" height=\"%d\" role=\"img\" "
	    "aria-label=\"%s over time\" class=\"series\">", SER_W, SER_H,
	    what);
	for (k = 0; k < ys->ax.n; k++) {
		y = SER_H - SER_B - PH * axis_frac(&ys->ax, axis_at(&ys->ax, k));
		fprintf(fp, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
		    "stroke=\"#eee\"/><text x=\"%d\" y=\"%.1f\" text-anchor="
		    "\"end\">%s</text>", SER_L, SER_W - SER_R, y, y, SER_L - 4,
		    y + 4, html_scale_label(ys, k, buf, sizeof buf));
	}
	for (k = 0; k < xs->ax.n; k++) {
		if (axis_at(&xs->ax, k) * xs->div > tmax * (1 + 1e-9))
			break;
		x = SER_L + PW * axis_at(&xs->ax, k) * xs->div / tmax;
		fprintf(fp, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" "
		    "stroke=\"#999\"/><text x=\"%.1f\" y=\"%d\" text-anchor="
		    "\"middle\">%s</text>", x, x, SER_H - SER_B,
		    SER_H - SER_B + 3, x, SER_H - SER_B + 14,
		    html_scale_label(xs, k, buf, sizeof buf));
	}
	fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#999\"/><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#999\"/><text x=\"%d\" y=\"%d\" text-anchor=\"middle\">"
	    "time since the run started</text>", SER_L, SER_H - SER_B,
	    SER_W - SER_R, SER_H - SER_B, SER_L, SER_T, SER_L, SER_H - SER_B,
	    SER_L + PW / 2, SER_H - 4);
}

/* Series i: a line, and a dot per sample (one sample is still seen). */
static void
html_series_line(FILE *fp, const struct report *r,
    const struct html_series *se, size_t i, enum html_kind kind,
    const struct html_scale *ys, double tmax)
{
	const int PH = SER_H - SER_B - SER_T, PW = SER_W - SER_L - SER_R;
	const char *col = html_pal[i % 10];
	double x, y;
	size_t j;

	fprintf(fp, "<polyline fill=\"none\" stroke=\"%s\" stroke-width="
	    "\"1.5\" stroke-dasharray=\"%s\" points=\"", col,
	    html_dash[i / 10 % 3]);
	for (j = 0; j < se->n; j++) {
		if (isnan(se->v[kind][j]))
			continue;
		fprintf(fp, "%.1f,%.1f ", SER_L + PW * (se->u->started_at -
		    r->started_at + se->t[j]) / tmax, SER_H - SER_B - PH *
		    html_scale_frac(ys, se->v[kind][j]));
	}
	fputs("\"><title>", fp);
	report_esc(fp, r->tcs[se->u->tc].name);
	fprintf(fp, " (unit %" PRId64 ")</title></polyline>", se->unit_id);
	for (j = 0; j < se->n; j++) {
		if (isnan(se->v[kind][j]))
			continue;
		x = SER_L + PW * (se->u->started_at - r->started_at +
		    se->t[j]) / tmax;
		y = SER_H - SER_B - PH * html_scale_frac(ys, se->v[kind][j]);
		fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" "
		    "fill=\"%s\"/>", x, y, col);
	}
}

/* The legend under a time-series chart: a line sample and the test case
   of each of the first n series. */
static void
html_series_legend(FILE *fp, const struct report *r,
    const struct html_samples *hs, size_t n)
{
	size_t i;

	fputs("<p class=\"serieslegend\">", fp);
	for (i = 0; i < n; i++) {
		fprintf(fp, "<span><svg width=\"22\" height=\"8\"><line x1=\"0\" "
		    "y1=\"4\" x2=\"22\" y2=\"4\" stroke=\"%s\" stroke-width="
		    "\"2\" stroke-dasharray=\"%s\"/></svg> ", html_pal[i % 10],
		    html_dash[i / 10 % 3]);
		report_esc(fp, r->tcs[hs->v[i].u->tc].name);
		fprintf(fp, " <small>unit %" PRId64 "</small></span>",
		    hs->v[i].unit_id);
	}
	fputs("</p>\n", fp);
}

/* A time-series chart of kind for the sampled units (at most
   HTML_SERIES_MAX), with its legend; RSS gets the budget line. */
static void
html_series_chart(FILE *fp, struct report *r, struct html_samples *hs,
    enum html_kind kind, double budget_kb)
{
	static const char *const what[] = { "RSS", "VRAM", "CPU" };
	size_t i, n = hs->n < HTML_SERIES_MAX ? hs->n : HTML_SERIES_MAX;
	struct html_scale ys, xs;
	double tmax, vmax, y;

	html_series_range(r, hs, n, kind, &tmax, &vmax);
	if (kind == HTML_RSS) {
		if (budget_kb > vmax && budget_kb < 4 * vmax)
			vmax = budget_kb;
		html_scale_kb(vmax, 6, &ys);
	} else if (kind == HTML_VRAM)
		html_scale_plain(0, vmax, 6, "MiB", &ys);
	else
		html_scale_plain(0, vmax < 100 ? 100 : vmax, 6, "%", &ys);
	html_scale_time(tmax, 7, &xs);
	html_series_frame(fp, &ys, &xs, tmax, what[kind]);
	if (kind == HTML_RSS && budget_kb > 0 &&
	    budget_kb <= html_scale_max(&ys)) {
		y = SER_H - SER_B - (SER_H - SER_B - SER_T) *
		    html_scale_frac(&ys, budget_kb);
		fprintf(fp, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
		    "stroke=\"#c62828\" stroke-dasharray=\"6,4\"/><text x=\"%d\""
		    " y=\"%.1f\" fill=\"#c62828\">budget</text>", SER_L,
		    SER_W - SER_R, y, y, SER_W - SER_R - 50, y - 4);
	}
	for (i = 0; i < n; i++)
		html_series_line(fp, r, &hs->v[i], i, kind, &ys, tmax);
	fputs("</svg>\n", fp);
	html_series_legend(fp, r, hs, n);
}

/* The geometry of the peak charts (pixels): width, left margin, bar
   width, row height. */
enum {
	MEM_W = 900, MEM_L = 260, MEM_BW = 560, MEM_LH = 16,
};

/* The memory budget of a unit in KiB (0 when unknown) and what it is,
   from the declared resources or the machine's memory and workers. */
static double
html_budget(const struct report *r, const char **what)
{
	json_int_t mem = json_integer_value(json_object_get(r->fingerprint,
	    "mem_total_kb"));
	double ram_mb = json_number_value(json_object_get(r->rank, "ram_mb"));

	if (ram_mb > 0) {
		*what = "declared resources.ram per unit";
		return ram_mb * 1024;
	}
	if (mem > 0 && r->workers > 0) {
		*what = "per-worker share of 80% of the machine's memory";
		return 0.8 * (double)mem / r->workers;
	}
	*what = "none known";
	return 0;
}

/* The sampled RSS, VRAM and CPU series, or a note when there are none. */
static int
html_memory_series(FILE *fp, struct report *r, double budget_kb,
    char **cause)
{
	struct html_samples hs;
	size_t i;

	memset(&hs, 0, sizeof hs);
	if (store_samples_list(r->st, r->id, html_on_sample, &hs, cause) != 0)
		return -1;
	html_series_units(r, &hs);
	if (hs.n > 0) {
		qsort(hs.v, hs.n, sizeof *hs.v, html_series_cmp);
		fprintf(fp, "<h3>RSS over time</h3><p class=\"note\">%zu "
		    "unit%s sampled%s; a dot per sample.</p>", hs.n,
		    hs.n == 1 ? "" : "s", hs.n > HTML_SERIES_MAX ?
		    "; the 30 with the highest peaks drawn" : "");
		html_series_chart(fp, r, &hs, HTML_RSS, budget_kb);
		if (hs.any[HTML_VRAM]) {
			fputs("<h3>VRAM over time</h3>", fp);
			html_series_chart(fp, r, &hs, HTML_VRAM, 0);
		}
		if (hs.any[HTML_CPU]) {
			fputs("<h3 id=\"cpu\">CPU over time</h3><p class=\"note"
			    "\">CPU time of each unit's processes between two "
			    "samples over the time between them: 100% is one "
			    "core busy.</p>", fp);
			html_series_chart(fp, r, &hs, HTML_CPU, 0);
		} else
			fputs("<p class=\"note\" id=\"no-cpu\">No CPU% in "
			    "the samples: a unit's first sample has none, so "
			    "a unit sampled once has no CPU%.</p>\n", fp);
	} else
		fputs("<p class=\"note\" id=\"no-samples\">No time series was "
		    "sampled for this run (the samples table is empty): the "
		    "peak RSS of each unit (getrusage maxrss) is drawn "
		    "instead.</p>\n", fp);
	for (i = 0; i < hs.n; i++) {
		free(hs.v[i].t);
		free(hs.v[i].v[0]);
		free(hs.v[i].v[1]);
		free(hs.v[i].v[2]);
	}
	free(hs.v);
	return 0;
}

/* A bar per unit's peak RSS, red above the budget; returns the rows. */
static size_t
html_peak_bars(FILE *fp, const struct report *r, double vmax,
    double budget_kb)
{
	const struct report_unit *u;
	char buf[32];
	double x;
	size_t i;

	fprintf(fp, "<svg width=\"%d\" height=\"%zu\" role=\"img\" "
	    "aria-label=\"peak RSS per unit\" id=\"peaks\">", MEM_W,
	    r->nunits * MEM_LH + 24);
	for (i = 0; i < r->nunits; i++) {
		u = &r->units[i];
		fprintf(fp, "<text x=\"%d\" y=\"%zu\" text-anchor=\"end\">",
		    MEM_L - 6, i * MEM_LH + 12);
		report_esc(fp, r->tcs[u->tc].name);
		x = u->maxrss_kb < 0 ? 0 : MEM_BW * u->maxrss_kb / vmax;
		fprintf(fp, "</text><rect x=\"%d\" y=\"%zu\" width=\"%.1f\" "
		    "height=\"%d\" fill=\"%s\"/><text x=\"%.1f\" y=\"%zu\">"
		    "%s</text>", MEM_L, i * MEM_LH + 2, x, MEM_LH - 4,
		    budget_kb > 0 && u->maxrss_kb > budget_kb ?
		    "#e53935" : "#7e57c2", MEM_L + x + 4, i * MEM_LH + 12,
		    html_kb((double)u->maxrss_kb, buf, sizeof buf));
	}
	return r->nunits;
}

/* Too many units for a bar each: a histogram of the peaks; returns the
   rows it takes. */
static size_t
html_peak_histogram(FILE *fp, const struct report *r,
    const struct html_scale *sc)
{
	double hist_max = 1, vmax = html_scale_max(sc);
	size_t i, hist[40];
	char buf[32];
	int k;

	memset(hist, 0, sizeof hist);
	for (i = 0; i < r->nunits; i++) {
		if (r->units[i].maxrss_kb < 0)
			continue;
		k = (int)(40 * r->units[i].maxrss_kb / vmax);
		hist[k >= 40 ? 39 : k]++;
	}
	for (k = 0; k < 40; k++)
		if ((double)hist[k] > hist_max)
			hist_max = (double)hist[k];
	fprintf(fp, "<svg width=\"%d\" height=\"200\" role=\"img\" "
	    "aria-label=\"histogram of unit peak RSS\" id=\"peaks\">", MEM_W);
	for (k = 0; k < 40; k++)
		fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\" fill=\"#7e57c2\"><title>%zu units"
		    "</title></rect>", MEM_L + MEM_BW * k / 40.0, 10 + 150 *
		    (1 - hist[k] / hist_max), MEM_BW / 40.0 - 1,
		    150 * hist[k] / hist_max, hist[k]);
	fprintf(fp, "<text x=\"%d\" y=\"20\" text-anchor=\"end\">%.0f "
	    "units</text><text x=\"%d\" y=\"160\" text-anchor=\"end\">0"
	    "</text>", MEM_L - 6, hist_max, MEM_L - 6);
	for (k = 0; k < sc->ax.n; k++)
		fprintf(fp, "<text x=\"%.1f\" y=\"176\" text-anchor=\""
		    "middle\">%s</text>", MEM_L + MEM_BW * axis_frac(&sc->ax,
		    axis_at(&sc->ax, k)), html_scale_label(sc, k, buf,
		    sizeof buf));
	return 10;
}

/* The budget line across n rows of a peak chart, or a note when it is
   off the scale. */
static void
html_budget_line(FILE *fp, double budget_kb, double vmax, size_t n)
{
	char buf[32];
	double x;

	if (budget_kb > 0 && budget_kb <= vmax) {
		x = MEM_L + MEM_BW * budget_kb / vmax;
		fprintf(fp, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"0\" "
		    "y2=\"%zu\" stroke=\"#c62828\" stroke-width=\"2\" "
		    "stroke-dasharray=\"6,4\"/><text x=\"%.1f\" y=\"%zu\" "
		    "fill=\"#c62828\">budget %s</text>", x, x,
		    n * MEM_LH + 4, x + 4, n * MEM_LH + 18,
		    html_kb(budget_kb, buf, sizeof buf));
	} else if (budget_kb > 0)
		fprintf(fp, "<text x=\"%d\" y=\"%zu\" fill=\"#c62828\">budget "
		    "%s is off the scale (far above every peak)</text>", MEM_L,
		    n * MEM_LH + 18, html_kb(budget_kb, buf, sizeof buf));
}

/* The peak RSS of every unit against the budget. */
static void
html_memory_peaks(FILE *fp, const struct report *r, double budget_kb)
{	struct html_scale sc;

	double vmax = 0;
	char buf[32];
	size_t i, n;
	int over = 0;

	for (i = 0; i < r->nunits; i++) {
		if ((double)r->units[i].maxrss_kb > vmax)
			vmax = (double)r->units[i].maxrss_kb;
		if (budget_kb > 0 && (double)r->units[i].maxrss_kb > budget_kb)
			over++;
	}
	if (vmax <= 0) {
		fputs("<p class=\"note\">No peak RSS recorded.</p></div>\n",
		    fp);
		return;
	}
	fprintf(fp, "<h3>Peak RSS per unit</h3><p>Highest: <b>%s</b>; %d "
	    "unit%s above the budget.</p>", html_kb(vmax, buf, sizeof buf),
	    over, over == 1 ? "" : "s");
	if (budget_kb > vmax && budget_kb < 8 * vmax)
		vmax = budget_kb;
	html_scale_kb(vmax, 6, &sc);
	vmax = html_scale_max(&sc);
	if (r->nunits <= HTML_PEAK_BARS_MAX)
		n = html_peak_bars(fp, r, vmax, budget_kb);
	else
		n = html_peak_histogram(fp, r, &sc);
	html_budget_line(fp, budget_kb, vmax, n);
	fputs("</svg></div>\n", fp);
}

/* Memory: sampled series when present, and peaks against the budget. */
static int
html_memory(FILE *fp, struct report *r, char **cause)
{
	const char *budget_what;
	double budget_kb = html_budget(r, &budget_what);
	char buf[32];

	fputs("<div class=\"section\" id=\"memory\"><h2>Memory</h2>\n", fp);
	fprintf(fp, "<p>Budget: <b>%s</b> (%s).</p>\n",
	    html_kb(budget_kb > 0 ? budget_kb : NAN, buf, sizeof buf),
	    budget_what);
	if (html_memory_series(fp, r, budget_kb, cause) != 0)
		return -1;
	html_memory_peaks(fp, r, budget_kb);
	return 0;
}

/* Failures with their log tails. */
static void
html_failures(FILE *fp, struct report *r)
{
	struct report_unit *u;
	size_t i, n = 0;
	char *tail, buf[32];

	fputs("<div class=\"section\" id=\"failures\"><h2>Failures</h2>\n", fp);
	for (i = 0; i < r->nunits; i++) {
		u = &r->units[i];
		if (strcmp(u->status, "ok") == 0 ||
		    strcmp(u->status, "skipped") == 0 ||
		    strcmp(u->status, "pending") == 0)
			continue;
		if (n++ >= HTML_FAILURES_MAX)
			continue;
		fprintf(fp, "<details%s><summary><b class=\"bad\">%s</b> ",
		    n <= 5 ? " open=\"open\"" : "", u->status);
		report_esc(fp, r->tcs[u->tc].name);
		fprintf(fp, " (unit %" PRId64 ", slot %d, %s)", u->id,
		    u->worker_slot, html_dur(u->wall_s, buf, sizeof buf));
		if (u->error != NULL) {
			fputs(": ", fp);
			report_esc(fp, u->error);
		}
		fputs("</summary>", fp);
		tail = report_log_tail(u->log_path, HTML_TAIL_LINES,
		    HTML_TAIL_BYTES);
		if (tail != NULL && *tail != '\0') {
			fputs("<pre>", fp);
			report_esc(fp, tail);
			fputs("</pre>", fp);
		} else
			fputs("<p class=\"note\">(no log output)</p>", fp);
		free(tail);
		fputs("</details>\n", fp);
	}
	if (n == 0)
		fputs("<p class=\"ok\">No unit failed.</p>", fp);
	else if (n > HTML_FAILURES_MAX)
		fprintf(fp, "<p class=\"note\">%zu more failures not shown.</p>",
		    n - HTML_FAILURES_MAX);
	fputs("</div>\n", fp);
}

/* Write the page. */
static int
report_html_write(struct report *r, const char *out, char **cause)
{
	FILE *fp;

	if (report_open(out, &fp, cause) != 0)
		return -1;
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
	    "<meta name=\"viewport\" content=\"width=device-width\"/>"
	    "<title>bench: ", fp);
	report_esc(fp, r->job_name);
	fprintf(fp, ", run %" PRId64 "</title>\n<style>\n%s</style></head>"
	    "<body>\n<h1>", r->id, html_css);
	report_esc(fp, r->job_name);
	fprintf(fp, " &#183; run %" PRId64 "</h1>\n", r->id);
	html_summary(fp, r);
	html_ranking(fp, r);
	if (html_stats(fp, r, cause) != 0 || html_speedup(fp, r, cause) != 0)
		goto fail;
	html_utilization(fp, r);
	if (html_memory(fp, r, cause) != 0)
		goto fail;
	html_failures(fp, r);
	fprintf(fp, "<p class=\"note\">bench %s &#183; rendered from the "
	    "database</p>\n</body></html>\n", PACKAGE_VERSION);
	return report_close(fp, out, cause);
fail:
	if (fp != stdout)
		fclose(fp);
	return -1;
}

const struct report_ops report_html_ops = { "html", report_html_write };
