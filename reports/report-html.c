/*
 * report-html: one self-contained HTML file for people: inline CSS and
 * inline SVG, no script, nothing fetched. Sections: summary, ranking,
 * speedup against the newest run of the same job in the other mode,
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

#include "report.h"
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
	"margin:0 4px 0 12px;vertical-align:middle}\n";

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

/* A "nice" axis maximum at or above v. */
static double
html_nice(double v)
{
	double p, m;

	if (!(v > 0))
		return 1;
	p = pow(10, floor(log10(v)));
	m = v / p;
	if (m <= 1)
		return p;
	if (m <= 2)
		return 2 * p;
	if (m <= 5)
		return 5 * p;
	return 10 * p;
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

/* The speedup-versus-workers chart: points and the ideal line. */
static void
html_speedup_curve(FILE *fp, struct html_peers *p, const struct html_peer *ser,
    int64_t this_id)
{
	const int W = 440, H = 300, L = 50, B = 40, T = 20, R = 50;
	double maxw = 1, maxs = 1, x, y, s;
	struct html_peer *best[257];
	size_t i;
	int w;

	memset(best, 0, sizeof best);
	for (i = 0; i < p->n; i++) {
		w = p->v[i].workers;
		if (w < 1 || w > 256 || p->v[i].wall <= 0)
			continue;
		if (strcmp(p->v[i].mode, "serial") == 0 && w == 1 &&
		    p->v[i].id != ser->id)
			continue;
		if (best[w] == NULL || p->v[i].id > best[w]->id)
			best[w] = &p->v[i];
	}
	for (w = 1; w <= 256; w++) {
		if (best[w] == NULL)
			continue;
		if (w > maxw)
			maxw = w;
		s = ser->wall / best[w]->wall;
		if (s > maxs)
			maxs = s;
	}
	maxw = maxw < 2 ? 2 : maxw;
	if (maxs < maxw)
		maxs = maxw;
	fprintf(fp, "<svg width=\"%d\" height=\"%d\" role=\"img\" "
	    "aria-label=\"speedup versus workers\">", W, H);
	fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#999\"/><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#999\"/>", L, H - B, W - R, H - B, L, T, L, H - B);
	/* ideal: speedup = workers */
	fprintf(fp, "<line class=\"ideal\" x1=\"%.1f\" y1=\"%.1f\" "
	    "x2=\"%.1f\" y2=\"%.1f\" stroke=\"#1e88e5\" stroke-dasharray=\"5,4\""
	    "/>", L + (W - L - R) * 0.0, (double)(H - B),
	    L + (W - L - R) * 1.0,
	    (H - B) - (H - B - T) * (maxw / maxs));
	fprintf(fp, "<text x=\"%d\" y=\"%d\" fill=\"#1e88e5\">ideal</text>",
	    W - R - 40, T + 12);
	for (i = 0; i <= 4; i++) {
		fprintf(fp, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">"
		    "%.3g</text>", L - 4, (H - B) - (H - B - T) * i / 4.0 + 4,
		    maxs * (double)i / 4);
		fprintf(fp, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
		    "%.3g</text>", L + (W - L - R) * i / 4.0, H - B + 14,
		    maxw * (double)i / 4);
	}
	fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">workers"
	    "</text><text x=\"12\" y=\"%d\" transform=\"rotate(-90 12 %d)\" "
	    "text-anchor=\"middle\">speedup</text>", (L + W - R) / 2, H - 6,
	    H / 2, H / 2);
	fputs("<polyline class=\"measured\" fill=\"none\" stroke=\"#e53935\" "
	    "stroke-width=\"2\" points=\"", fp);
	fprintf(fp, "%d,%d ", L, H - B);
	for (w = 1; w <= 256; w++) {
		if (best[w] == NULL)
			continue;
		x = L + (W - L - R) * w / maxw;
		y = (H - B) - (H - B - T) * (ser->wall / best[w]->wall) / maxs;
		fprintf(fp, "%.1f,%.1f ", x, y);
	}
	fputs("\"/>", fp);
	for (w = 1; w <= 256; w++) {
		if (best[w] == NULL)
			continue;
		s = ser->wall / best[w]->wall;
		x = L + (W - L - R) * w / maxw;
		y = (H - B) - (H - B - T) * s / maxs;
		fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" "
		    "fill=\"%s\"><title>%d worker%s: speedup %.2f (run %"
		    PRId64 ")</title></circle><text x=\"%.1f\" y=\"%.1f\">"
		    "%.2f&#215;</text>", x, y, best[w]->id == this_id ? 6 : 4,
		    best[w]->id == this_id ? "#b71c1c" : "#e53935", w,
		    w == 1 ? "" : "s", s, best[w]->id, x + 6, y - 6, s);
	}
	fputs("</svg>", fp);
}

/* Speedup: this run against the newest run of the other mode. */
static int
html_speedup(FILE *fp, struct report *r, char **cause)
{
	struct html_peers p;
	struct html_peer *other = NULL, *ser = NULL, self_peer;
	struct report *o = NULL;
	struct report *sr, *pr;
	struct report_tc *st, *pt;
	json_t *idx;
	size_t i, j, shown;
	double s, ideal, ts, tp, total, eff, maxs;
	char b1[32], b2[32];
	const int BW = 360, LH = 18;
	int serial = strcmp(r->mode, "serial") == 0;

	fputs("<div class=\"section\" id=\"speedup\"><h2>Speedup</h2>\n", fp);
	memset(&p, 0, sizeof p);
	p.sha = r->job_sha256;
	if (store_runs_list(r->st, r->job_name, html_on_peer, &p, cause) != 0)
		return -1;
	for (i = 0; i < p.n; i++) {
		if (p.v[i].id == r->id)
			continue;
		if (strcmp(p.v[i].mode, r->mode) != 0 && (other == NULL ||
		    p.v[i].id > other->id))
			other = &p.v[i];
	}
	if (other == NULL) {
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
	sr = serial ? r : o;
	pr = serial ? o : r;
	memset(&self_peer, 0, sizeof self_peer);
	self_peer.id = sr->id;
	self_peer.wall = sr->finished_at - sr->started_at;
	ser = &self_peer;
	total = (sr->finished_at - sr->started_at) /
	    (pr->finished_at - pr->started_at);
	eff = pr->workers > 0 ? total / pr->workers : NAN;
	fprintf(fp, "<p>Serial run %" PRId64 " took <b>%s</b>; parallel run %"
	    PRId64 " with %d workers took <b>%s</b>: speedup <b id=\"total-"
	    "speedup\">%.2f&#215;</b>, parallel efficiency <b>%.0f%%</b> "
	    "(ideal %d&#215;).</p>\n", sr->id, html_dur(sr->finished_at -
	    sr->started_at, b1, sizeof b1), pr->id, pr->workers,
	    html_dur(pr->finished_at - pr->started_at, b2, sizeof b2), total,
	    100 * eff, pr->workers);
	fputs("<div class=\"cards\"><div>", fp);
	html_speedup_curve(fp, &p, ser, r->id);
	fputs("</div><div>", fp);

	/* per test case: serial time / parallel span, against the ideal */
	idx = json_object();
	for (i = 0; i < sr->ntcs; i++)
		json_object_set_new(idx, sr->tcs[i].name, json_integer(
		    (json_int_t)i));
	maxs = total > pr->workers ? total : pr->workers;
	for (i = 0; i < pr->ntcs; i++) {
		pt = &pr->tcs[i];
		if (json_object_get(idx, pt->name) == NULL)
			continue;
		st = &sr->tcs[json_integer_value(json_object_get(idx,
		    pt->name))];
		tp = pt->last_end - pt->first_start;
		if (tp > 0 && st->wall_s / tp > maxs)
			maxs = st->wall_s / tp;
	}
	maxs = html_nice(maxs);
	shown = pr->ntcs + 1 < HTML_CHART_ROWS ? pr->ntcs + 1 :
	    HTML_CHART_ROWS;
	fprintf(fp, "<svg width=\"%d\" height=\"%zu\" role=\"img\" "
	    "aria-label=\"speedup per test case\">", 260 + BW + 60,
	    (shown + 1) * LH + 24);
	for (j = 0; j <= 4; j++)
		fprintf(fp, "<text x=\"%.1f\" y=\"%zu\" text-anchor=\"middle\">"
		    "%.3g&#215;</text>", 260 + BW * j / 4.0, (shown + 1) * LH +
		    16, maxs * (double)j / 4);
	for (i = 0, j = 0; i <= pr->ntcs && j < shown; i++) {
		const char *name;
		size_t units;

		if (i == pr->ntcs) {
			name = "TOTAL (run wall time)";
			s = total;
			units = pr->nunits;
		} else {
			pt = &pr->tcs[pr->ranked[i]];
			if (json_object_get(idx, pt->name) == NULL)
				continue;
			if (j == shown - 1)
				continue;	/* keep a row for the total */
			st = &sr->tcs[json_integer_value(json_object_get(idx,
			    pt->name))];
			ts = st->wall_s;
			tp = pt->last_end - pt->first_start;
			s = tp > 0 ? ts / tp : NAN;
			name = pt->name;
			units = pt->units;
		}
		ideal = (double)(units < (size_t)pr->workers ? units :
		    (size_t)pr->workers);
		fprintf(fp, "<text x=\"254\" y=\"%zu\" text-anchor=\"end\">",
		    j * LH + 13);
		if (strlen(name) > 40) {
			char cut[44];

			snprintf(cut, sizeof cut, "%.37s...", name);
			report_esc(fp, cut);
		} else
			report_esc(fp, name);
		fprintf(fp, "</text><rect x=\"260\" y=\"%zu\" width=\"%.1f\" "
		    "height=\"%d\" fill=\"%s\"/>", j * LH + 3, isnan(s) ? 0 :
		    BW * s / maxs, LH - 5, i == pr->ntcs ? "#e53935" :
		    "#ef9a9a");
		fprintf(fp, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%zu\" y2=\"%zu\""
		    " stroke=\"#1e88e5\" stroke-width=\"2\"><title>ideal "
		    "%.0f&#215;</title></line>", 260 + BW * ideal / maxs,
		    260 + BW * ideal / maxs, j * LH + 1, j * LH + LH, ideal);
		fprintf(fp, "<text x=\"%.1f\" y=\"%zu\">%.2f&#215;</text>",
		    264 + (isnan(s) ? 0 : BW * s / maxs), j * LH + 13,
		    isnan(s) ? 0 : s);
		j++;
	}
	fputs("</svg><p class=\"legend\"><span style=\"background:#ef9a9a\">"
	    "</span>serial time / parallel span per test case<span style=\""
	    "background:#1e88e5\"></span>ideal (units, at most workers)</p>"
	    "</div></div>", fp);
	if (pr->ntcs + 1 > HTML_CHART_ROWS)
		fprintf(fp, "<p class=\"note\">%zu test cases not drawn.</p>",
		    pr->ntcs + 1 - HTML_CHART_ROWS);
	json_decref(idx);
	report_free(o);
	free(p.v);
	fputs("</div>\n", fp);
	return 0;
}

/* Utilization: slot timeline and busy fraction per slot. */
static void
html_utilization(FILE *fp, struct report *r)
{
	const int PW = 900, L = 70;
	double t0 = NAN, t1 = NAN, span, x0, x1, *busy, *bok, *bbad, bw;
	struct report_unit *u;
	size_t i;
	int s, b, rowh, nslots = r->nslots, k, kb;
	char buf[32];

	fputs("<div class=\"section\" id=\"utilization\"><h2>Utilization</h2>\n", fp);
	for (i = 0; i < r->nunits; i++) {
		u = &r->units[i];
		if (isnan(u->started_at) || isnan(u->finished_at))
			continue;
		if (isnan(t0) || u->started_at < t0)
			t0 = u->started_at;
		if (isnan(t1) || u->finished_at > t1)
			t1 = u->finished_at;
	}
	if (nslots == 0 || isnan(t0)) {
		fputs("<p class=\"note\">No unit ran.</p></div>\n", fp);
		return;
	}
	if (!isnan(r->started_at) && r->started_at < t0)
		t0 = r->started_at;
	span = t1 - t0 > 0 ? t1 - t0 : 1e-6;
	rowh = nslots <= 16 ? 22 : nslots <= 64 ? 10 : 4;
	busy = xcalloc((size_t)nslots, sizeof *busy);
	fprintf(fp, "<svg width=\"%d\" height=\"%d\" role=\"img\" "
	    "aria-label=\"worker slot timeline\" id=\"timeline\">",
	    L + PW + 20, nslots * rowh + 34);
	for (s = 0; s < nslots; s++) {
		if (rowh >= 10 || s % 8 == 0)
			fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">"
			    "slot %d</text>", L - 6, s * rowh + rowh / 2 + 4, s);
	}
	if (r->nunits <= HTML_BARS_MAX) {
		for (i = 0; i < r->nunits; i++) {
			u = &r->units[i];
			if (u->worker_slot < 0 || isnan(u->started_at) ||
			    isnan(u->finished_at))
				continue;
			x0 = L + PW * (u->started_at - t0) / span;
			x1 = L + PW * (u->finished_at - t0) / span;
			busy[u->worker_slot] += u->finished_at - u->started_at;
			fprintf(fp, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
			    "height=\"%d\" fill=\"%s\" stroke=\"#fff\" "
			    "stroke-width=\"0.5\"><title>", x0, u->worker_slot *
			    rowh + 1, x1 - x0 < 0.5 ? 0.5 : x1 - x0, rowh - 2,
			    html_color(u->status));
			report_esc(fp, r->tcs[u->tc].name);
			fprintf(fp, ": %s, %s</title></rect>", u->status,
			    html_dur(u->wall_s, buf, sizeof buf));
		}
	} else {
		/* too many bars: busy seconds per (slot, time bucket) */
		bok = xcalloc((size_t)nslots * HTML_BUCKETS, sizeof *bok);
		bbad = xcalloc((size_t)nslots * HTML_BUCKETS, sizeof *bbad);
		bw = span / HTML_BUCKETS;
		for (i = 0; i < r->nunits; i++) {
			u = &r->units[i];
			if (u->worker_slot < 0 || isnan(u->started_at) ||
			    isnan(u->finished_at))
				continue;
			busy[u->worker_slot] += u->finished_at - u->started_at;
			k = (int)((u->started_at - t0) / bw);
			kb = (int)((u->finished_at - t0) / bw);
			for (b = k < 0 ? 0 : k; b <= kb && b < HTML_BUCKETS;
			    b++) {
				double lo = t0 + b * bw, hi = lo + bw, a, e;

				a = u->started_at > lo ? u->started_at : lo;
				e = u->finished_at < hi ? u->finished_at : hi;
				if (e <= a)
					continue;
				if (strcmp(u->status, "ok") == 0)
					bok[u->worker_slot * HTML_BUCKETS + b] +=
					    e - a;
				else
					bbad[u->worker_slot * HTML_BUCKETS + b]
					    += e - a;
			}
		}
		for (s = 0; s < nslots; s++) {
			for (b = 0; b < HTML_BUCKETS; b++) {
				double fo = bok[s * HTML_BUCKETS + b] / bw;
				double fb = bbad[s * HTML_BUCKETS + b] / bw;
				double h = rowh - 2;

				if (fo > 1)
					fo = 1;
				if (fb > 1 - fo)
					fb = 1 - fo;
				if (fo > 0.005)
					fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" "
					    "width=\"%.2f\" height=\"%.1f\" "
					    "fill=\"#43a047\"/>", L + (double)PW *
					    b / HTML_BUCKETS, s * rowh + 1 +
					    h * (1 - fo), (double)PW /
					    HTML_BUCKETS, h * fo);
				if (fb > 0.005)
					fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" "
					    "width=\"%.2f\" height=\"%.1f\" "
					    "fill=\"#e53935\"/>", L + (double)PW *
					    b / HTML_BUCKETS, s * rowh + 1 +
					    h * (1 - fo - fb), (double)PW /
					    HTML_BUCKETS, h * fb);
			}
		}
		free(bok);
		free(bbad);
	}
	for (k = 0; k <= 5; k++)
		fprintf(fp, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
		    "%s</text>", L + PW * k / 5.0, nslots * rowh + 14,
		    html_dur(span * k / 5.0, buf, sizeof buf));
	fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">time since "
	    "the run started</text></svg>\n", L + PW / 2, nslots * rowh + 30);
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

	/* busy fraction per slot */
	fputs("<h3>Busy fraction per slot</h3>", fp);
	fprintf(fp, "<svg width=\"%d\" height=\"%d\" role=\"img\" "
	    "aria-label=\"busy fraction per slot\" id=\"busy\">", L + 400 + 60,
	    nslots * rowh + 4);
	for (s = 0; s < nslots; s++) {
		double f = busy[s] / span;

		if (f > 1)
			f = 1;
		if (rowh >= 10 || s % 8 == 0)
			fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">"
			    "slot %d</text>", L - 6, s * rowh + rowh / 2 + 4, s);
		fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"400\" height=\"%d\" "
		    "fill=\"#eee\"/><rect x=\"%d\" y=\"%d\" width=\"%.1f\" "
		    "height=\"%d\" fill=\"#1e88e5\"><title>slot %d busy %.1f%%"
		    "</title></rect>", L, s * rowh + 1, rowh - 2, L, s * rowh +
		    1, 400 * f, rowh - 2, s, 100 * f);
		if (rowh >= 10)
			fprintf(fp, "<text x=\"%d\" y=\"%d\">%.0f%%</text>",
			    L + 406, s * rowh + rowh / 2 + 4, 100 * f);
	}
	fputs("</svg></div>\n", fp);
	free(busy);
}

/* Samples of one unit, for the memory chart. */
struct html_series {
	int64_t	 unit_id;
	double	*t;
	double	*rss, *vram;
	size_t	 n;
	double	 peak;
};
struct html_samples {
	struct html_series	*v;
	size_t			 n;
	int			 any_vram;
};

/* Collect a sample. */
static int
html_on_sample(const struct store_sample_row *s, void *data)
{
	struct html_samples *hs = data;
	struct html_series *se;

	if (hs->n == 0 || hs->v[hs->n - 1].unit_id != s->unit_id) {
		hs->v = xreallocarray(hs->v, hs->n + 1, sizeof *hs->v);
		se = &hs->v[hs->n++];
		memset(se, 0, sizeof *se);
		se->unit_id = s->unit_id;
	}
	se = &hs->v[hs->n - 1];
	se->t = xreallocarray(se->t, se->n + 1, sizeof *se->t);
	se->rss = xreallocarray(se->rss, se->n + 1, sizeof *se->rss);
	se->vram = xreallocarray(se->vram, se->n + 1, sizeof *se->vram);
	se->t[se->n] = s->t;
	se->rss[se->n] = s->rss_kb < 0 ? NAN : (double)s->rss_kb;
	se->vram[se->n] = s->vram_mb;
	if (!isnan(s->vram_mb))
		hs->any_vram = 1;
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

/* A time-series chart of the sampled units (vram: VRAM in MiB). */
static void
html_series_chart(FILE *fp, struct report *r, struct html_samples *hs,
    int vram, double budget_kb)
{
	const int W = 900, H = 260, L = 70, B = 34, T = 10;
	static const char *pal[] = { "#1e88e5", "#e53935", "#43a047",
	    "#fb8c00", "#8e24aa", "#00897b", "#6d4c41", "#3949ab" };
	double t0 = r->started_at, tmax = 1e-6, vmax = 0, v, t;
	struct html_series *se;
	struct report_unit *u;
	json_t *idx = json_object();
	char key[32], buf[32];
	size_t i, j, n = hs->n < HTML_SERIES_MAX ? hs->n : HTML_SERIES_MAX;

	for (i = 0; i < r->nunits; i++) {
		snprintf(key, sizeof key, "%" PRId64, r->units[i].id);
		json_object_set_new(idx, key, json_integer((json_int_t)i));
	}
	for (i = 0; i < n; i++) {
		se = &hs->v[i];
		snprintf(key, sizeof key, "%" PRId64, se->unit_id);
		u = &r->units[json_integer_value(json_object_get(idx, key))];
		for (j = 0; j < se->n; j++) {
			t = u->started_at - t0 + se->t[j];
			v = vram ? se->vram[j] : se->rss[j];
			if (t > tmax)
				tmax = t;
			if (!isnan(v) && v > vmax)
				vmax = v;
		}
	}
	if (!vram && budget_kb > vmax && budget_kb < 4 * vmax)
		vmax = budget_kb;
	vmax = html_nice(vmax);
	fprintf(fp, "<svg width=\"%d\" height=\"%d\" role=\"img\" "
	    "aria-label=\"%s over time\" class=\"series\">", W, H,
	    vram ? "VRAM" : "RSS");
	fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#999\"/><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#999\"/>", L, H - B, W - 10, H - B, L, T, L, H - B);
	for (j = 0; j <= 4; j++) {
		v = vmax * (double)j / 4;
		fprintf(fp, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s"
		    "</text>", L - 4, (H - B) - (H - B - T) * j / 4.0 + 4,
		    vram ? (snprintf(buf, sizeof buf, "%.0f MiB", v), buf) :
		    html_kb(v, buf, sizeof buf));
		fprintf(fp, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
		    "%s</text>", L + (W - L - 10) * j / 4.0, H - B + 14,
		    html_dur(tmax * (double)j / 4, buf, sizeof buf));
	}
	if (!vram && budget_kb > 0 && budget_kb <= vmax) {
		double y = (H - B) - (H - B - T) * budget_kb / vmax;

		fprintf(fp, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
		    "stroke=\"#c62828\" stroke-dasharray=\"6,4\"/><text x=\"%d\""
		    " y=\"%.1f\" fill=\"#c62828\">budget</text>", L, W - 10, y,
		    y, W - 60, y - 4);
	}
	for (i = 0; i < n; i++) {
		se = &hs->v[i];
		snprintf(key, sizeof key, "%" PRId64, se->unit_id);
		u = &r->units[json_integer_value(json_object_get(idx, key))];
		fprintf(fp, "<polyline fill=\"none\" stroke=\"%s\" "
		    "stroke-width=\"1.5\" points=\"", pal[i % 8]);
		for (j = 0; j < se->n; j++) {
			v = vram ? se->vram[j] : se->rss[j];
			if (isnan(v))
				continue;
			t = u->started_at - t0 + se->t[j];
			fprintf(fp, "%.1f,%.1f ", L + (W - L - 10) * t / tmax,
			    (H - B) - (H - B - T) * v / vmax);
		}
		fputs("\"><title>", fp);
		report_esc(fp, r->tcs[u->tc].name);
		fputs("</title></polyline>", fp);
	}
	fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">time since "
	    "the run started</text></svg>\n", L + W / 2, H - 4);
	json_decref(idx);
}

/* Memory: sampled series when present, and peaks against the budget. */
static int
html_memory(FILE *fp, struct report *r, char **cause)
{
	struct html_samples hs;
	double budget_kb, ram_mb, vmax = 0, x, hist_max;
	const char *budget_what;
	struct report_unit *u;
	size_t i, n, hist[40];
	const int W = 900, L = 260, BW = 560, LH = 16;
	char buf[32], b2[32];
	int k, over = 0;
	json_int_t mem = json_integer_value(json_object_get(r->fingerprint,
	    "mem_total_kb"));

	fputs("<div class=\"section\" id=\"memory\"><h2>Memory</h2>\n", fp);
	ram_mb = json_number_value(json_object_get(r->rank, "ram_mb"));
	if (ram_mb > 0) {
		budget_kb = ram_mb * 1024;
		budget_what = "declared resources.ram per unit";
	} else if (mem > 0 && r->workers > 0) {
		budget_kb = 0.8 * (double)mem / r->workers;
		budget_what = "per-worker share of 80% of the machine's memory";
	} else {
		budget_kb = 0;
		budget_what = "none known";
	}
	fprintf(fp, "<p>Budget: <b>%s</b> (%s).</p>\n",
	    html_kb(budget_kb > 0 ? budget_kb : NAN, buf, sizeof buf),
	    budget_what);

	memset(&hs, 0, sizeof hs);
	if (store_samples_list(r->st, r->id, html_on_sample, &hs, cause) != 0)
		return -1;
	if (hs.n > 0) {
		qsort(hs.v, hs.n, sizeof *hs.v, html_series_cmp);
		fprintf(fp, "<h3>RSS over time</h3><p class=\"note\">%zu unit%s "
		    "sampled%s.</p>", hs.n, hs.n == 1 ? "" : "s", hs.n >
		    HTML_SERIES_MAX ? "; the 30 with the highest peaks drawn" :
		    "");
		html_series_chart(fp, r, &hs, 0, budget_kb);
		if (hs.any_vram) {
			fputs("<h3>VRAM over time</h3>", fp);
			html_series_chart(fp, r, &hs, 1, 0);
		}
	} else
		fputs("<p class=\"note\" id=\"no-samples\">No time series was "
		    "sampled for this run (the samples table is empty): the "
		    "peak RSS of each unit (getrusage maxrss) is drawn "
		    "instead.</p>\n", fp);
	for (i = 0; i < hs.n; i++) {
		free(hs.v[i].t);
		free(hs.v[i].rss);
		free(hs.v[i].vram);
	}
	free(hs.v);

	for (i = 0; i < r->nunits; i++) {
		if ((double)r->units[i].maxrss_kb > vmax)
			vmax = (double)r->units[i].maxrss_kb;
		if (budget_kb > 0 && (double)r->units[i].maxrss_kb > budget_kb)
			over++;
	}
	if (vmax <= 0) {
		fputs("<p class=\"note\">No peak RSS recorded.</p></div>\n",
		    fp);
		return 0;
	}
	fprintf(fp, "<h3>Peak RSS per unit</h3><p>Highest: <b>%s</b>; %d "
	    "unit%s above the budget.</p>", html_kb(vmax, buf, sizeof buf),
	    over, over == 1 ? "" : "s");
	if (budget_kb > vmax && budget_kb < 8 * vmax)
		vmax = budget_kb;
	vmax = html_nice(vmax);
	if (r->nunits <= HTML_PEAK_BARS_MAX) {
		fprintf(fp, "<svg width=\"%d\" height=\"%zu\" role=\"img\" "
		    "aria-label=\"peak RSS per unit\" id=\"peaks\">", W,
		    r->nunits * LH + 24);
		for (i = 0; i < r->nunits; i++) {
			u = &r->units[i];
			fprintf(fp, "<text x=\"%d\" y=\"%zu\" text-anchor=\"end\">",
			    L - 6, i * LH + 12);
			report_esc(fp, r->tcs[u->tc].name);
			x = u->maxrss_kb < 0 ? 0 : BW * u->maxrss_kb / vmax;
			fprintf(fp, "</text><rect x=\"%d\" y=\"%zu\" width=\"%.1f\" "
			    "height=\"%d\" fill=\"%s\"/><text x=\"%.1f\" y=\"%zu\">"
			    "%s</text>", L, i * LH + 2, x, LH - 4,
			    budget_kb > 0 && u->maxrss_kb > budget_kb ?
			    "#e53935" : "#7e57c2", L + x + 4, i * LH + 12,
			    html_kb((double)u->maxrss_kb, b2, sizeof b2));
		}
		n = r->nunits;
	} else {
		/* histogram of unit peaks */
		memset(hist, 0, sizeof hist);
		for (i = 0; i < r->nunits; i++) {
			if (r->units[i].maxrss_kb < 0)
				continue;
			k = (int)(40 * r->units[i].maxrss_kb / vmax);
			hist[k >= 40 ? 39 : k]++;
		}
		hist_max = 1;
		for (k = 0; k < 40; k++)
			if ((double)hist[k] > hist_max)
				hist_max = (double)hist[k];
		fprintf(fp, "<svg width=\"%d\" height=\"200\" role=\"img\" "
		    "aria-label=\"histogram of unit peak RSS\" id=\"peaks\">",
		    W);
		for (k = 0; k < 40; k++)
			fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			    "height=\"%.1f\" fill=\"#7e57c2\"><title>%zu units"
			    "</title></rect>", L + BW * k / 40.0, 10 + 150 *
			    (1 - hist[k] / hist_max), BW / 40.0 - 1,
			    150 * hist[k] / hist_max, hist[k]);
		fprintf(fp, "<text x=\"%d\" y=\"20\" text-anchor=\"end\">%.0f "
		    "units</text><text x=\"%d\" y=\"160\" text-anchor=\"end\">0"
		    "</text>", L - 6, hist_max, L - 6);
		for (k = 0; k <= 4; k++)
			fprintf(fp, "<text x=\"%.1f\" y=\"176\" text-anchor=\""
			    "middle\">%s</text>", L + BW * k / 4.0,
			    html_kb(vmax * k / 4, buf, sizeof buf));
		n = 10;
	}
	if (budget_kb > 0 && budget_kb <= vmax) {
		x = L + BW * budget_kb / vmax;
		fprintf(fp, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"0\" y2=\"%zu\" "
		    "stroke=\"#c62828\" stroke-width=\"2\" stroke-dasharray="
		    "\"6,4\"/><text x=\"%.1f\" y=\"%zu\" fill=\"#c62828\">"
		    "budget %s</text>", x, x, n * LH + 4, x + 4, n * LH + 18,
		    html_kb(budget_kb, buf, sizeof buf));
	} else if (budget_kb > 0)
		fprintf(fp, "<text x=\"%d\" y=\"%zu\" fill=\"#c62828\">budget "
		    "%s is off the scale (far above every peak)</text>", L,
		    n * LH + 18, html_kb(budget_kb, buf, sizeof buf));
	fputs("</svg></div>\n", fp);
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
	if (html_speedup(fp, r, cause) != 0)
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
