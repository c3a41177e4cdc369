/*
 * term: the progress line and the summary table.
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/ioctl.h>

#include <jansson.h>

#include "err.h"
#include "job.h"
#include "plan.h"
#include "rank.h"
#include "store.h"
#include "strvec.h"
#include "term.h"
#include "runstats.h"
#include "xalloc.h"
#include "banned.h"

/* A running unit the live line names (borrowed strings). */
struct term_run {
	const char	*id, *testcase;
};

struct term {
	FILE	*fp;
	int	 live;
	size_t	 total, done, failed;
	size_t	 running;
	double	 start, last_draw;
	int	 drawn;		/* the live line is on screen */
	struct term_run *run;	/* running units, oldest first */
	size_t	 nrun, maxrun;	/* grown on add, never on a redraw */
};

/* Monotonic seconds. */
static double
term_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds as text. */
const char *
term_duration(double s, char *buf, size_t len)
{
	long t;

	if (isnan(s) || s < 0)
		snprintf(buf, len, "-");
	else if (s < 60)
		snprintf(buf, len, "%.2fs", s);
	else {
		t = (long)(s + 0.5);
		if (t < 3600)
			snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
		else
			snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600,
			    (t / 60) % 60, t % 60);
	}
	return buf;
}

/* A new progress printer. */
struct term *
term_new(FILE *fp, int live, size_t total)
{
	struct term *t = xcalloc(1, sizeof *t);

	t->fp = fp;
	t->live = live;
	t->total = total;
	t->start = term_now();
	return t;
}

/* Change the total. */
void
term_set_total(struct term *t, size_t total)
{
	t->total = total;
}

/* Free it. */
void
term_free(struct term *t)
{
	if (t == NULL)
		return;
	free(t->run);
	free(t);
}

/* A unit started: name it on the live line. */
void
term_running_add(struct term *t, const char *unit_id, const char *testcase)
{
	if (t->nrun == t->maxrun) {
		t->maxrun = t->maxrun == 0 ? 16 : t->maxrun * 2;
		t->run = xreallocarray(t->run, t->maxrun, sizeof *t->run);
	}
	t->run[t->nrun].id = unit_id;
	t->run[t->nrun].testcase = testcase;
	t->nrun++;
}

/* A unit stopped running: drop its name. */
void
term_running_remove(struct term *t, const char *unit_id)
{
	size_t i;

	for (i = 0; i < t->nrun; i++) {
		if (strcmp(t->run[i].id, unit_id) != 0)
			continue;
		memmove(&t->run[i], &t->run[i + 1],
		    (t->nrun - i - 1) * sizeof *t->run);
		t->nrun--;
		return;
	}
}

/* Erase the live line. */
static void
term_erase(struct term *t)
{
	if (t->live && t->drawn) {
		fputs("\r\033[K", t->fp);
		t->drawn = 0;
	}
}

/* The terminal's width now (read on every redraw: SIGWINCH needs no
   handler), or 80. */
static size_t
term_width(FILE *fp)
{
	struct winsize ws;

	if (ioctl(fileno(fp), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

/* Whether to colour the live line: a terminal, and NO_COLOR unset. */
static int
term_colour(void)
{
	const char *nc = getenv("NO_COLOR");

	return nc == NULL || *nc == '\0';
}

/* Append s to line (length *len, room size) with what a terminal would
   act on as '?', at most max bytes; whether all of it fit. */
static int
term_put(char *line, size_t *len, size_t size, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	int c1;

	for (; *p != '\0'; p++, n++) {
		if (n >= max || *len + 1 >= size)
			return 0;
		/* a C1 control, UTF-8 encoded: one '?' for both bytes */
		c1 = *p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;
		if (c1)
			p++;
		line[(*len)++] = c1 || *p < 0x20 || *p == 0x7f ? '?' :
		    (char)*p;
	}
	line[*len] = '\0';
	return 1;
}

/*
 * Append ": TESTCASE ID, TESTCASE ID" for the running units, oldest first,
 * to line (length *len) in at most room bytes; " ..." when not all fit.
 * No allocation: the line is redrawn up to 4 times a second.
 */
static void
term_names(const struct term *t, char *line, size_t *len, size_t size,
    size_t room)
{
	const struct term_run *r;
	size_t i, start = *len, need;

	if (t->nrun == 0 || room < 8)
		return;
	for (i = 0; i < t->nrun; i++) {
		r = &t->run[i];
		need = strlen(r->testcase) + 1 + strlen(r->id) + 2;
		/* keep room for " ..." unless this is the last one */
		if (*len - start + need + (i + 1 < t->nrun ? 4 : 0) > room) {
			if (*len - start + 4 <= room)
				term_put(line, len, size, " ...", 4);
			return;
		}
		term_put(line, len, size, i == 0 ? ": " : ", ", 2);
		term_put(line, len, size, r->testcase, need);
		term_put(line, len, size, " ", 1);
		term_put(line, len, size, r->id, need);
	}
}

/* Draw the live line, cut to the terminal's width so that it never wraps:
   "[3/40] 2 running: gemm[n=512] u0007, cellseg u0008 | 1 failed | 12s |
   eta 2:01". */
static void
term_draw(struct term *t)
{
	double el = term_now() - t->start, eta;
	char e1[32], e2[32], line[512], tail[128];
	size_t width = term_width(t->fp), len, cut, room;
	const char *red = "\033[31m", *off = "\033[0m";

	term_erase(t);
	if (t->done > 0 && t->done < t->total) {
		eta = el / (double)t->done * (double)(t->total - t->done);
		term_duration(eta, e2, sizeof e2);
	} else
		snprintf(e2, sizeof e2, "%s", t->done ? "0s" : "?");
	snprintf(line, sizeof line, "[%zu/%zu] %zu running", t->done,
	    t->total, t->running);
	snprintf(tail, sizeof tail, " | %zu failed | %s | eta %s", t->failed,
	    term_duration(el, e1, sizeof e1), e2);
	len = strlen(line);
	room = width > len + strlen(tail) + 1 ? width - 1 - len -
	    strlen(tail) : 0;
	term_names(t, line, &len, sizeof line - sizeof tail, room);
	term_put(line, &len, sizeof line, tail, sizeof tail);
	len = strlen(line);
	cut = width > 1 && len > width - 1 ? width - 1 : len;
	if (t->failed > 0 && term_colour())
		fprintf(t->fp, "%s%.*s%s", red, (int)cut, line, off);
	else
		fprintf(t->fp, "%.*s", (int)cut, line);
	fflush(t->fp);
	t->drawn = 1;
	t->last_draw = term_now();
}

/* Redraw when due. */
void
term_progress(struct term *t, size_t running, int force)
{
	t->running = running;
	if (!t->live)
		return;
	if (force || term_now() - t->last_draw >= 0.25)
		term_draw(t);
}

/* Escape what a terminal would act on (see term.h). */
char *
term_escape(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out, *o;

	out = o = xmalloc(strlen(s) * 4 + 1);
	for (; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			snprintf(o, 5, "\\x%02x", *p);
			o += 4;
		} else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			/* a C1 control, UTF-8 encoded: CSI, OSC... */
			p++;
			snprintf(o, 5, "\\x%02x", *p);
			o += 4;
		} else
			*o++ = (char)*p;
	}
	*o = '\0';
	return out;
}

/* A unit ended: a plain line, or a line above the live one for failures. */
void
term_unit_done(struct term *t, const char *status, const char *testcase,
    const char *unit_id, double wall_s, const char *error)
{
	char d[32], *e = error != NULL ? term_escape(error) : NULL;
	int bad = strcmp(status, "ok") != 0 && strcmp(status, "skipped") != 0;

	t->done++;
	if (t->running > 0)
		t->running--;
	if (bad)
		t->failed++;
	if (t->live && !bad && strcmp(status, "skipped") != 0) {
		free(e);
		term_progress(t, t->running, 0);
		return;
	}
	term_erase(t);
	fprintf(t->fp, "[%zu/%zu] %-8s %s %s %s%s%s\n", t->done, t->total,
	    status, unit_id, testcase, term_duration(wall_s, d, sizeof d),
	    e ? ": " : "", e ? e : "");
	free(e);
	if (t->live)
		term_draw(t);
	else
		fflush(t->fp);
}

/* A message line. */
void
term_message(struct term *t, const char *fmt, ...)
{
	va_list ap;
	char *msg, *e;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	e = term_escape(msg);
	term_erase(t);
	fputs(e, t->fp);
	fputc('\n', t->fp);
	free(e);
	free(msg);
	if (t->live)
		term_draw(t);
}

/* Done with the live line. */
void
term_finish(struct term *t)
{
	term_erase(t);
	fflush(t->fp);
}

/* One test case of the summary: 56 bytes, one per test case of the run
   (a run has at most PLAN_MAX_UNITS units, so the counts fit). */
struct term_row {
	const char *testcase;	/* in the table's pool */
	json_t	*metrics;	/* name -> real; NULL until the first */
	const char *bad_status;	/* the first bad unit's status (15 bytes
				   at most), in the pool; NULL until then */
	double	 wall_s;
	unsigned units, ok, bad, skipped;
	unsigned order;
	int	 mixed;		/* bad units ended in several ways */
};

/*
 * The rows' strings, packed into chunks freed with the table: a malloc per
 * name cost its header and rounding, 20-odd bytes a test case.
 */
#define TERM_CHUNK	(64 * 1024)
struct term_chunk {
	struct term_chunk *next;
	size_t		 used, size;
	char		 data[];
};

/*
 * The summary's rows. A run's units arrive in id order, where a test
 * case's units are together, so a unit goes to the last row or a new
 * one; then the rows are sorted by name (joining a test case's rows that
 * were apart) for the metrics to find theirs by bsearch. No hash of the
 * names: at 10^5 test cases a jansson index cost about 10 MB, the peak of
 * the run's end.
 */
struct term_table {
	struct term_row	*rows;
	size_t		 n, cap;
	struct term_chunk *chunks;	/* the rows' strings */
	json_t		*names;	/* metric names seen, in order */
	json_t		*sort_by;
};

/* A copy of at most max bytes of s in the table's chunks. */
static const char *
term_strndup(struct term_table *tab, const char *s, size_t max)
{
	struct term_chunk *c = tab->chunks;
	size_t n = strnlen(s, max);
	char *p;

	if (c == NULL || c->used + n + 1 > c->size) {
		/* a name bigger than a chunk gets a chunk of its own */
		size_t size = n + 1 > TERM_CHUNK ? n + 1 : TERM_CHUNK;

		c = xmalloc(sizeof *c + size);
		c->used = 0;
		c->size = size;
		c->next = tab->chunks;
		tab->chunks = c;
	}
	p = c->data + c->used;
	memcpy(p, s, n);
	p[n] = '\0';
	c->used += n + 1;
	return p;
}

/* A new row of testcase, at the end. */
static struct term_row *
term_row_add(struct term_table *tab, const char *testcase)
{
	struct term_row *r;

	if (tab->n == tab->cap) {
		/* doubling: n rows cost n, not n^2, copies */
		tab->cap = tab->cap > 0 ? 2 * tab->cap : 64;
		tab->rows = xreallocarray(tab->rows, tab->cap,
		    sizeof *tab->rows);
	}
	r = &tab->rows[tab->n];
	memset(r, 0, sizeof *r);
	r->testcase = term_strndup(tab, testcase, SIZE_MAX);
	r->order = (unsigned)tab->n;
	tab->n++;
	return r;
}

/* Order rows by test case name, then first sight. */
static int
term_cmp_name(const void *a, const void *b)
{
	const struct term_row *x = a, *y = b;
	int c = strcmp(x->testcase, y->testcase);

	if (c != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Add row b's units to row a, b seen after a; b is freed. */
static void
term_row_join(struct term_row *a, struct term_row *b)
{
	if (a->bad == 0) {
		a->bad_status = b->bad_status;
		a->mixed = b->mixed;
	} else if (b->bad > 0)
		a->mixed |= b->mixed ||
		    strcmp(a->bad_status, b->bad_status) != 0;
	a->units += b->units;
	a->ok += b->ok;
	a->bad += b->bad;
	a->skipped += b->skipped;
	a->wall_s += b->wall_s;
	json_decref(b->metrics);
}

/* Order rows by test case name only, for bsearch. */
static int
term_by_name(const void *a, const void *b)
{
	const struct term_row *x = a, *y = b;

	return strcmp(x->testcase, y->testcase);
}

/* Sort the rows by name and join those of one test case. */
static void
term_rows_by_name(struct term_table *tab)
{
	size_t i, k = 0;

	qsort(tab->rows, tab->n, sizeof *tab->rows, term_cmp_name);
	for (i = 0; i < tab->n; i++) {
		if (k > 0 && strcmp(tab->rows[k - 1].testcase,
		    tab->rows[i].testcase) == 0)
			term_row_join(&tab->rows[k - 1], &tab->rows[i]);
		else
			tab->rows[k++] = tab->rows[i];
	}
	tab->n = k;
}

/* Collect a unit row. */
static int
term_on_unit(const struct store_unit_row *u, void *data)
{
	struct term_table *tab = data;
	struct term_row *r;

	if (tab->n > 0 && strcmp(tab->rows[tab->n - 1].testcase,
	    u->testcase) == 0)
		r = &tab->rows[tab->n - 1];
	else
		r = term_row_add(tab, u->testcase);
	r->units++;
	if (strcmp(u->status, "ok") == 0)
		r->ok++;
	else if (strcmp(u->status, "skipped") == 0)
		r->skipped++;
	else if (strcmp(u->status, "pending") != 0) {
		if (r->bad++ == 0)
			r->bad_status = term_strndup(tab, u->status, 15);
		else if (strcmp(r->bad_status, u->status) != 0)
			r->mixed = 1;
	}
	if (!isnan(u->wall_s))
		r->wall_s += u->wall_s;
	return 0;
}

/* The row of testcase in rows sorted by name, added when missing. */
static struct term_row *
term_row_find(struct term_table *tab, const char *testcase)
{
	struct term_row key, *r;

	memset(&key, 0, sizeof key);
	key.testcase = testcase;
	r = bsearch(&key, tab->rows, tab->n, sizeof *tab->rows,
	    term_by_name);
	if (r != NULL)
		return r;
	/* a metric of a test case without units: rare, sort again */
	term_row_add(tab, testcase);
	qsort(tab->rows, tab->n, sizeof *tab->rows, term_cmp_name);
	return bsearch(&key, tab->rows, tab->n, sizeof *tab->rows,
	    term_by_name);
}

/* Collect a test-case metric. */
static int
term_on_metric(const struct store_metric_row *m, void *data)
{
	struct term_table *tab = data;
	struct term_row *r = term_row_find(tab, m->testcase);
	size_t i;

	if (r->metrics == NULL)
		r->metrics = json_object();
	json_object_set_new(r->metrics, m->name, json_real(m->value));
	for (i = 0; i < json_array_size(tab->names); i++) {
		if (strcmp(json_string_value(json_array_get(tab->names, i)),
		    m->name) == 0)
			return 0;
	}
	json_array_append_new(tab->names, json_string(m->name));
	return 0;
}

static struct term_table *term_sort_table;

/* Rank by the sort keys; then job order. */
static int
term_cmp(const void *a, const void *b)
{
	const struct term_row *x = a, *y = b;
	int c = rank_compare(term_sort_table->sort_by, x->metrics, y->metrics);

	if (c != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Format a metric value compactly. */
static void
term_value(double v, char *buf, size_t len)
{
	if (v != 0 && (fabs(v) >= 1e7 || fabs(v) < 1e-3))
		snprintf(buf, len, "%.4g", v);
	else
		snprintf(buf, len, "%.4f", v);
	/* trim trailing zeros of a fixed-point number */
	if (strchr(buf, '.') != NULL && strchr(buf, 'e') == NULL) {
		char *e = buf + strlen(buf) - 1;

		while (*e == '0')
			*e-- = '\0';
		if (*e == '.')
			*e = '\0';
	}
}

/*
 * A test case's status word: how its bad units ended ("failed"; "failed
 * 1/4" when only some did; "failed+" when they ended in several ways), else
 * ok, skipped, ok+skip or not run.
 */
static const char *
term_row_status(const struct term_row *r, char *buf, size_t len)
{
	if (r->bad > 0 && r->bad == r->units)
		snprintf(buf, len, "%s%s", r->bad_status, r->mixed ? "+" : "");
	else if (r->bad > 0)
		snprintf(buf, len, "%s%s %u/%u", r->bad_status,
		    r->mixed ? "+" : "", r->bad, r->units);
	else if (r->ok == r->units)
		return "ok";
	else if (r->ok + r->skipped == r->units)
		return r->ok ? "ok+skip" : "skipped";
	else
		return "not run";
	return buf;
}

/* Warn on stderr about a rank.sort_by metric no test case reported. */
static void
term_sort_check(const struct term_table *tab)
{
	json_t *key, *v;
	const char *metric;
	size_t i, j;
	int seen;

	json_array_foreach(tab->sort_by, i, key) {
		json_object_foreach(key, metric, v) {
			seen = 0;
			for (j = 0; j < tab->n && !seen; j++)
				seen = json_object_get(tab->rows[j].metrics,
				    metric) != NULL;
			if (seen)
				continue;
			fprintf(stderr, "warning: rank.sort_by metric '%s' was "
			    "reported by no test case, so it ranks nothing "
			    "(reported: ", metric);
			for (j = 0; j < json_array_size(tab->names); j++)
				fprintf(stderr, "%s%s", j > 0 ? ", " : "",
				    json_string_value(json_array_get(
				    tab->names, j)));
			fprintf(stderr, "%s)\n", j == 0 ? "none" : "");
		}
	}
}

/* One line of the statistics block: a metric of a test case. */
static void
term_stats_line(FILE *fp, const char *tc, int w0, const char *metric,
    json_t *st)
{
	double mean = json_number_value(json_object_get(st, "mean"));
	double hi = json_number_value(json_object_get(st, "hi"));
	json_int_t n = json_integer_value(json_object_get(st, "n"));
	json_int_t out = json_integer_value(json_object_get(st, "outliers"));
	char m[32], h[32], med[32], sd[32], lo[32], hi2[32];

	term_value(mean, m, sizeof m);
	term_value(json_number_value(json_object_get(st, "median")), med,
	    sizeof med);
	term_value(json_number_value(json_object_get(st, "min")), lo,
	    sizeof lo);
	term_value(json_number_value(json_object_get(st, "max")), hi2,
	    sizeof hi2);
	fprintf(fp, "%-*.*s  %-12s %4lld  ", w0, w0, tc, metric, (long long)n);
	if (n < 2) {
		fprintf(fp, "%10s %-12s  %10s  %10s  %10s  %10s\n", m,
		    "(n=1)", med, "-", lo, hi2);
		return;
	}
	term_value(hi - mean, h, sizeof h);
	term_value(json_number_value(json_object_get(st, "sd")), sd,
	    sizeof sd);
	fprintf(fp, "%10s +- %-9s  %10s  %10s  %10s  %10s", m, h, med, sd, lo,
	    hi2);
	if (out > 0)
		fprintf(fp, "  %lld outlier%s", (long long)out,
		    out == 1 ? "" : "s");
	fputc('\n', fp);
}

/*
 * When the run had repeats, the statistics of every test case and metric
 * (wall_s first): n, mean +- the half-width of its 95% t interval, median,
 * sigma, min, max and Tukey outliers (reports/stats.h).
 */
static int
term_stats(FILE *fp, struct store *st, int64_t run_id, char **cause)
{
	json_t *samples, *sum, *tc, *v;
	const char *name, *metric;
	int w0 = 9, twice;

	/* loading every unit's samples costs memory per unit: first ask
	   whether there can be any repeats */
	if (store_run_measured_twice(st, run_id, &twice, cause) != 0)
		return -1;
	if (!twice)
		return 0;
	if (runstats_load(st, run_id, &samples, cause) != 0)
		return -1;
	if (!runstats_has_repeats(samples)) {
		json_decref(samples);
		return 0;
	}
	sum = runstats_summary(samples);
	json_object_foreach(sum, name, tc) {
		if ((int)strlen(name) > w0)
			w0 = strlen(name) > 40 ? 40 : (int)strlen(name);
	}
	fprintf(fp, "\nstatistics over the repeats (warm-up left out; +- the "
	    "half-width of the 95%% t interval of the mean):\n%-*s  %-12s %4s  "
	    "%10s %-12s  %10s  %10s  %10s  %10s\n", w0, "test case", "metric",
	    "n", "mean", "+- 95%", "median", "sigma", "min", "max");
	json_object_foreach(sum, name, tc) {
		json_object_foreach(tc, metric, v)
			term_stats_line(fp, name, w0, metric, v);
	}
	json_decref(sum);
	json_decref(samples);
	return 0;
}

/* Print the ranked table of a run. */
int
term_summary(FILE *fp, struct store *st, int64_t run_id, json_t *sort_by,
    json_t *metric_names, char **cause)
{
	struct term_table tab;
	json_t *cols, *v;
	size_t i, j, ncols, w0 = 9, *w;
	char buf[64], d[32];
	const char *status;
	int rc = -1;

	memset(&tab, 0, sizeof tab);
	tab.names = json_array();
	tab.sort_by = sort_by != NULL ? sort_by : json_array();
	if (sort_by != NULL)
		json_incref(sort_by);
	if (store_units_list(st, run_id, term_on_unit, &tab, cause) != 0)
		goto out;
	term_rows_by_name(&tab);
	if (store_testcase_metrics_list(st, run_id, term_on_metric, &tab,
	    cause) != 0)
		goto out;
	cols = metric_names != NULL && json_array_size(metric_names) > 0 ?
	    metric_names : tab.names;
	ncols = json_array_size(cols);
	term_sort_table = &tab;
	qsort(tab.rows, tab.n, sizeof *tab.rows, term_cmp);

	w = xcalloc(ncols + 1, sizeof *w);
	for (i = 0; i < tab.n; i++) {
		if (strlen(tab.rows[i].testcase) > w0)
			w0 = strlen(tab.rows[i].testcase);
	}
	if (w0 > 60)
		w0 = 60;
	for (j = 0; j < ncols; j++) {
		w[j] = strlen(json_string_value(json_array_get(cols, j)));
		if (w[j] < 12)
			w[j] = 12;
	}
	fprintf(fp, "%-4s  %-*s", "rank", (int)w0, "test case");
	for (j = 0; j < ncols; j++)
		fprintf(fp, "  %*s", (int)w[j],
		    json_string_value(json_array_get(cols, j)));
	fprintf(fp, "  %-9s  %9s\n", "status", "time");
	for (i = 0; i < tab.n; i++) {
		struct term_row *r = &tab.rows[i];

		fprintf(fp, "%-4zu  %-*.*s", i + 1, (int)w0, (int)w0,
		    r->testcase);
		for (j = 0; j < ncols; j++) {
			v = json_object_get(r->metrics, json_string_value(
			    json_array_get(cols, j)));
			if (v != NULL)
				term_value(json_real_value(v), buf, sizeof buf);
			else
				snprintf(buf, sizeof buf, "-");
			fprintf(fp, "  %*s", (int)w[j], buf);
		}
		status = term_row_status(r, buf, sizeof buf);
		fprintf(fp, "  %-9s  %9s\n", status,
		    term_duration(r->wall_s, d, sizeof d));
	}
	free(w);
	term_sort_check(&tab);
	rc = term_stats(fp, st, run_id, cause);
out:
	for (i = 0; i < tab.n; i++)
		json_decref(tab.rows[i].metrics);
	free(tab.rows);
	while (tab.chunks != NULL) {
		struct term_chunk *next = tab.chunks->next;

		free(tab.chunks);
		tab.chunks = next;
	}
	json_decref(tab.names);
	json_decref(tab.sort_by);
	return rc;
}

/* Print the plan of a job. */
void
term_plan(FILE *fp, const struct job *job, int verbose)
{
	const struct job_testcase *tc;
	const struct job_unit *u;
	size_t i, j, k;
	char key[65], **argv;

	fprintf(fp, "job %s: %zu test case%s, %zu unit%s\n", job_name(job),
	    job_ntestcases(job), job_ntestcases(job) == 1 ? "" : "s",
	    job_nunits(job), job_nunits(job) == 1 ? "" : "s");
	for (i = 0; i < job_ntestcases(job); i++) {
		tc = job_testcase(job, i);
		fprintf(fp, "  %s  %s  ", tc->name, tc->paradigm);
		if (tc->runner == JOB_RUNNER_COMMAND) {
			fputs("command:", fp);
			argv = job_testcase_argv(job, tc);
			for (k = 0; argv[k] != NULL; k++)
				fprintf(fp, " %s", argv[k]);
			strv_free(argv);
		} else if (tc->runner == JOB_RUNNER_BUILTIN)
			fprintf(fp, "builtin:%s", tc->url);
		else
			fprintf(fp, "%s", tc->url);
		fprintf(fp, "  %s  %u unit%s\n", tc->params, tc->nunits,
		    tc->nunits == 1 ? "" : "s");
		if (!verbose)
			continue;
		for (j = 0; j < tc->nunits; j++) {
			u = job_unit(job, tc->first_unit + j);
			plan_unit_key(tc, u, key);
			fprintf(fp, "    %s  part %u/%u  rep %u  seed %" PRIu64
			    "  key %.16s\n", u->id, u->part + 1, u->nparts,
			    u->rep, u->seed, key);
		}
	}
}
