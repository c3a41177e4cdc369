/*
 * compare: two stored runs, per test case and metric (see compare.h).
 * The items are built as one JSON array, then written by one renderer per
 * format.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "compare.h"
#include "err.h"
#include "report.h"
#include "runstats.h"
#include "stats.h"
#include "store.h"
#include "xalloc.h"
#include "banned.h"

/* 1 when s ends with suffix. */
static int
compare_ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The better direction by name; see compare.h. */
int
compare_direction(const char *metric)
{
	if (report_higher_is_better(metric))
		return 1;
	if (compare_ends(metric, "_s") || strstr(metric, "time") != NULL ||
	    strstr(metric, "latency") != NULL)
		return -1;
	return 0;
}

/* The direction from the job's rank sort_by (runs.rank), 0 when absent. */
static int
compare_sort_direction(json_t *rank, const char *metric)
{
	json_t *k, *v;
	size_t i;

	json_array_foreach(json_object_get(rank, "sort_by"), i, k) {
		if ((v = json_object_get(k, metric)) != NULL)
			return strcmp(json_string_value(v) != NULL ?
			    json_string_value(v) : "", "descend") == 0 ? 1 : -1;
	}
	return 0;
}

/* The formats compare writes. */
int
compare_format_ok(const char *name)
{
	return strcmp(name, "term") == 0 || strcmp(name, "json") == 0 ||
	    strcmp(name, "md") == 0 || strcmp(name, "html") == 0;
}

/* A number or null. */
static json_t *
compare_num(double v)
{
	return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

/* A sample's summary as JSON. */
static json_t *
compare_stats_json(const struct stats *s)
{
	return json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:I}",
	    "n", (json_int_t)s->n, "mean", compare_num(s->mean),
	    "median", compare_num(s->median), "sd", compare_num(s->sd),
	    "min", compare_num(s->min), "max", compare_num(s->max),
	    "lo", compare_num(s->lo), "hi", compare_num(s->hi),
	    "outliers", (json_int_t)s->outliers);
}

/* The verdict's word. */
static const char *
compare_word(enum stats_verdict v, int by_name)
{
	switch (v) {
	case STATS_BETTER: return by_name ? "faster" : "better";
	case STATS_WORSE: return by_name ? "slower" : "worse";
	case STATS_CHANGED: return "changed";
	default: return "no change";
	}
}

/* One item: test case tc, metric name, samples xa and xb. */
static json_t *
compare_item(const char *tc, const char *name, json_t *xa, json_t *xb,
    json_t *rank, double threshold, int *worse)
{
	struct stats sa, sb;
	struct stats_change c;
	enum stats_verdict v;
	double *va, *vb;
	size_t na, nb;
	int dir = compare_direction(name), by_name = dir != 0;

	if (!by_name)
		dir = compare_sort_direction(rank, name);
	va = runstats_values(xa, &na);
	vb = runstats_values(xb, &nb);
	stats_compute(va, na, &sa);
	stats_compute(vb, nb, &sb);
	free(va);
	free(vb);
	stats_change(&sa, &sb, &c);
	v = stats_verdict(&c, dir, threshold);
	*worse += v == STATS_WORSE;
	return json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:s}",
	    "testcase", tc, "metric", name, "better", dir > 0 ? "higher" :
	    dir < 0 ? "lower" : "unknown", "a", compare_stats_json(&sa),
	    "b", compare_stats_json(&sb), "change_pct", compare_num(c.pct),
	    "ci_low", compare_num(c.lo), "ci_high", compare_num(c.hi),
	    "verdict", compare_word(v, by_name));
}

/* The test cases of x that y lacks, as an array of names. */
static json_t *
compare_only(json_t *x, json_t *y)
{
	json_t *names = json_array(), *m;
	const char *tc;

	json_object_foreach(x, tc, m) {
		if (json_object_get(y, tc) == NULL)
			json_array_append_new(names, json_string(tc));
	}
	return names;
}

/* One line naming the test cases only one run has (term and md). */
static void
compare_only_line(FILE *fp, const char *fmt, json_t *doc, const char *key,
    const char *run)
{
	json_t *names = json_object_get(doc, key), *v;
	size_t i;

	if (json_array_size(names) == 0)
		return;
	fprintf(fp, "%sonly in run %s, not compared:", strcmp(fmt, "md") == 0 ?
	    "\n" : "", run);
	json_array_foreach(names, i, v)
		fprintf(fp, "%s %s", i > 0 ? "," : "", json_string_value(v));
	fputc('\n', fp);
}

/* Every item both runs have, in B's order. */
static json_t *
compare_items(json_t *ra, json_t *rb, json_t *rank, double threshold,
    int *worse)
{
	json_t *items = json_array(), *mb, *ma, *xb, *xa;
	const char *tc, *name;

	json_object_foreach(rb, tc, mb) {
		if ((ma = json_object_get(ra, tc)) == NULL)
			continue;
		json_object_foreach(mb, name, xb) {
			if ((xa = json_object_get(ma, name)) != NULL)
				json_array_append_new(items, compare_item(tc,
				    name, xa, xb, rank, threshold, worse));
		}
	}
	return items;
}

/* "+12.3%" or "-"; the change's interval "[+1.0%, +20.0%]" or "(n=1)". */
static void
compare_cells(json_t *it, char *chg, size_t nc, char *ci, size_t ni)
{
	json_t *p = json_object_get(it, "change_pct");
	json_t *lo = json_object_get(it, "ci_low");

	if (json_is_null(p))
		snprintf(chg, nc, "-");
	else
		snprintf(chg, nc, "%+.1f%%", json_real_value(p));
	if (json_is_null(lo))
		snprintf(ci, ni, "(n=1: no interval)");
	else
		snprintf(ci, ni, "[%+.1f%%, %+.1f%%]", json_real_value(lo),
		    json_real_value(json_object_get(it, "ci_high")));
}

/* "mean ±half (n=N)" of one side. */
static void
compare_side(json_t *s, char *buf, size_t len)
{
	char m[32], h[32];
	json_t *lo = json_object_get(s, "lo");
	double mean = json_number_value(json_object_get(s, "mean"));

	report_num(mean, m, sizeof m);
	if (json_is_null(lo))
		snprintf(buf, len, "%s (n=%lld)", m, (long long)
		    json_integer_value(json_object_get(s, "n")));
	else {
		report_num(mean - json_real_value(lo), h, sizeof h);
		snprintf(buf, len, "%s ±%s (n=%lld)", m, h, (long long)
		    json_integer_value(json_object_get(s, "n")));
	}
}

/* One row in term, md or html. */
static void
compare_row(FILE *fp, const char *fmt, json_t *it)
{
	char chg[32], ci[64], a[80], b[80];
	const char *tc = json_string_value(json_object_get(it, "testcase"));
	const char *m = json_string_value(json_object_get(it, "metric"));
	const char *v = json_string_value(json_object_get(it, "verdict"));

	compare_cells(it, chg, sizeof chg, ci, sizeof ci);
	compare_side(json_object_get(it, "a"), a, sizeof a);
	compare_side(json_object_get(it, "b"), b, sizeof b);
	if (strcmp(fmt, "md") == 0)
		fprintf(fp, "| %s | %s | %s | %s | %s | %s | %s |\n", tc, m, a,
		    b, chg, ci, v);
	else if (strcmp(fmt, "term") == 0)
		fprintf(fp, "%-24.24s %-14.14s %24s %24s %8s %22s  %s\n", tc,
		    m, a, b, chg, ci, v);
	else {
		fprintf(fp, "<tr><td>");
		report_esc(fp, tc);
		fprintf(fp, "</td><td>");
		report_esc(fp, m);
		fprintf(fp, "</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
		    "<td class=\"%s\">%s</td></tr>\n", a, b, chg, ci,
		    strcmp(v, "slower") == 0 || strcmp(v, "worse") == 0 ?
		    "worse" : "", v);
	}
}

/* The heading of term, md or html. */
static void
compare_head(FILE *fp, const char *fmt, json_t *doc)
{
	long long a = json_integer_value(json_object_get(doc, "a"));
	long long b = json_integer_value(json_object_get(doc, "b"));
	double t = json_real_value(json_object_get(doc, "threshold_pct"));

	if (strcmp(fmt, "md") == 0)
		fprintf(fp, "## bench compare: run %lld -> run %lld "
		    "(threshold %.1f%%, 95%% intervals, Welch)\n\n"
		    "| test case | metric | A | B | change | 95%% interval | "
		    "verdict |\n|---|---|---|---|---|---|---|\n", a, b, t);
	else if (strcmp(fmt, "term") == 0)
		fprintf(fp, "run %lld -> run %lld (threshold %.1f%%, 95%% "
		    "intervals, Welch)\n%-24s %-14s %24s %24s %8s %22s  %s\n", a,
		    b, t, "test case", "metric", "A mean ±95%", "B mean ±95%",
		    "change", "95% interval", "verdict");
	else
		fprintf(fp, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8"
		    "\"><title>bench compare %lld %lld</title><style>td{padding:"
		    "2px 8px}.worse{color:#b00;font-weight:bold}</style></head>"
		    "<body><h1>bench compare: run %lld &rarr; run %lld</h1><p>"
		    "threshold %.1f%%, 95%% intervals of the change (Welch)</p>"
		    "<table><tr><th>test case</th><th>metric</th><th>A</th><th>"
		    "B</th><th>change</th><th>95%% interval</th><th>verdict"
		    "</th></tr>\n", a, b, a, b, t);
}

/* Write the document in the chosen format. */
static void
compare_write(FILE *fp, const char *fmt, json_t *doc)
{
	json_t *it;
	size_t i;

	if (strcmp(fmt, "json") == 0) {
		json_dumpf(doc, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', fp);
		return;
	}
	compare_head(fp, fmt, doc);
	json_array_foreach(json_object_get(doc, "items"), i, it)
		compare_row(fp, fmt, it);
	if (strcmp(fmt, "html") == 0) {
		fprintf(fp, "</table></body></html>\n");
		return;
	}
	compare_only_line(fp, fmt, doc, "only_a", "A");
	compare_only_line(fp, fmt, doc, "only_b", "B");
	fprintf(fp, "%s%lld item%s got worse beyond the threshold\n",
		    strcmp(fmt, "md") == 0 ? "\n" : "", (long long)
		    json_integer_value(json_object_get(doc, "worse")),
		    json_integer_value(json_object_get(doc, "worse")) == 1 ?
		    "" : "s");
}

/* The rank JSON of a run, from store_run_get. */
static int
compare_rank_row(const struct store_run_row *r, void *data)
{
	json_t **rank = data;

	*rank = r->rank != NULL ? json_loads(r->rank, 0, NULL) : NULL;
	return 0;
}

/* Compare two runs; see compare.h. */
int
compare_runs(struct store *st, int64_t a, int64_t b,
    const struct compare_opts *o, FILE *fp, int *worse, size_t *nitems,
    char **cause)
{
	json_t *ra = NULL, *rb = NULL, *rank = NULL, *doc;

	*worse = 0;
	if (!compare_format_ok(o->format))
		return err_set(cause, "unknown format '%s' (use term|json|md|"
		    "html)", o->format);
	if (store_run_get(st, b, compare_rank_row, &rank, cause) != 0 ||
	    runstats_load(st, a, &ra, cause) != 0 ||
	    runstats_load(st, b, &rb, cause) != 0) {
		json_decref(ra);
		json_decref(rank);
		return -1;
	}
	doc = json_pack("{s:I,s:I,s:f,s:s,s:o}", "a", (json_int_t)a, "b",
	    (json_int_t)b, "threshold_pct", o->threshold_pct, "interval",
	    "95% Welch t of the difference of means, in percent of A's mean",
	    "items", compare_items(ra, rb, rank, o->threshold_pct, worse));
	json_object_set_new(doc, "worse", json_integer(*worse));
	json_object_set_new(doc, "only_a", compare_only(ra, rb));
	json_object_set_new(doc, "only_b", compare_only(rb, ra));
	*nitems = json_array_size(json_object_get(doc, "items"));
	compare_write(fp, o->format, doc);
	json_decref(doc);
	json_decref(ra);
	json_decref(rb);
	json_decref(rank);
	return 0;
}
