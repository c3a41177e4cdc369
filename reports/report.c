/*
 * report: load a stored run for the renderers, the table of renderers,
 * report_write (load and render in one call), and the helpers the
 * renderers share (escaping, log tails, numbers, dates).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "err.h"
#include "rank.h"
#include "report.h"
#include "runlock.h"
#include "store.h"
#include "xalloc.h"
#include "banned.h"

static const struct report_ops *const report_table[] = {
	&report_term_ops,
	&report_html_ops,
	&report_json_ops,
	&report_csv_ops,
	&report_junit_ops,
	&report_md_ops,
	NULL,
};

/* Loader state. */
struct report_load_ctx {
	struct report	*r;
	json_t		*index;		/* test case name -> index */
	json_t		*unit_index;	/* unit id (text) -> index */
};

/* The renderer called name. */
const struct report_ops *
report_find(const char *name)
{
	size_t i;

	for (i = 0; report_table[i] != NULL; i++) {
		if (strcmp(report_table[i]->name, name) == 0)
			return report_table[i];
	}
	return NULL;
}

/* The format names for usage lines. */
const char *
report_names(void)
{
	return "term|html|json|csv|junit|md";
}

/* Load run_id and write it in format: the one way to render a run. */
int
report_write(struct store *st, int64_t run_id, const char *format,
    const char *out, char **cause)
{
	const struct report_ops *ops;
	struct report *r;
	int rc;

	if ((ops = report_find(format)) == NULL) {
		*cause = xasprintf("unknown report format '%s' (use %s)",
		    format, report_names());
		return -1;
	}
	if (report_load(st, run_id, &r, cause) != 0)
		return -1;
	rc = ops->write(r, out, cause);
	report_free(r);
	return rc;
}

/* A copy of s, or of "" when NULL. */
static char *
report_dup(const char *s)
{
	return xstrdup(s == NULL ? "" : s);
}

/* Copy the run row. */
static int
report_on_run(const struct store_run_row *row, void *data)
{
	struct report *r = data;

	r->id = row->id;
	r->job_name = report_dup(row->job_name);
	r->job_sha256 = report_dup(row->job_sha256);
	r->job_path = report_dup(row->job_path);
	r->mode = report_dup(row->mode);
	r->launcher = report_dup(row->launcher);
	r->host = report_dup(row->host);
	/* a 'running' run whose controller is gone is abandoned */
	r->status = report_dup(runlock_status(r->st, row->id, row->workspace,
	    row->status));
	r->fingerprint_id = report_dup(row->fingerprint_id);
	r->workspace = report_dup(row->workspace);
	r->workers = row->workers;
	r->started_at = row->started_at;
	r->finished_at = row->finished_at;
	r->units_total = row->units_total;
	r->units_ok = row->units_ok;
	r->units_failed = row->units_failed;
	r->fingerprint = row->fingerprint == NULL ? NULL :
	    json_loads(row->fingerprint, 0, NULL);
	if (!json_is_object(r->fingerprint)) {
		json_decref(r->fingerprint);
		r->fingerprint = json_object();
	}
	r->rank = row->rank == NULL ? NULL : json_loads(row->rank, 0, NULL);
	if (!json_is_object(r->rank)) {
		json_decref(r->rank);
		r->rank = json_object();
	}
	return 0;
}

/* The test case called name, created on first sight. */
static size_t
report_tc_get(struct report_load_ctx *c, const char *name)
{
	struct report *r = c->r;
	struct report_tc *tc;
	json_t *v;

	if (name == NULL)
		name = "";
	if ((v = json_object_get(c->index, name)) != NULL)
		return (size_t)json_integer_value(v);
	r->tcs = xreallocarray(r->tcs, r->ntcs + 1, sizeof *r->tcs);
	tc = &r->tcs[r->ntcs];
	memset(tc, 0, sizeof *tc);
	tc->name = xstrdup(name);
	tc->metrics = json_object();
	tc->timing = json_object();
	tc->first_start = tc->last_end = NAN;
	tc->peak_rss_kb = -1;
	tc->peak_vram_mb = NAN;
	tc->co_running = -1;
	json_object_set_new(c->index, name, json_integer((json_int_t)r->ntcs));
	return r->ntcs++;
}

/* Collect a unit. */
static int
report_on_unit(const struct store_unit_row *u, void *data)
{
	struct report_load_ctx *c = data;
	struct report *r = c->r;
	struct report_unit *ru;
	struct report_tc *tc;
	size_t i;

	i = report_tc_get(c, u->testcase);
	tc = &r->tcs[i];
	if (tc->units == 0) {
		tc->algorithm = report_dup(u->algorithm);
		tc->paradigm = report_dup(u->paradigm);
		tc->params = u->params == NULL ? NULL :
		    json_loads(u->params, 0, NULL);
		if (!json_is_object(tc->params)) {
			json_decref(tc->params);
			tc->params = json_object();
		}
	}
	tc->units++;
	if (!u->warmup)
		tc->measured++;
	if (strcmp(u->status, "ok") == 0)
		tc->ok++;
	else if (strcmp(u->status, "skipped") == 0)
		tc->skipped++;
	else if (strcmp(u->status, "pending") != 0 &&
	    strcmp(u->status, "running") != 0)
		tc->bad++;
	if (!isnan(u->wall_s))
		tc->wall_s += u->wall_s;
	if (!isnan(u->started_at) && (isnan(tc->first_start) ||
	    u->started_at < tc->first_start))
		tc->first_start = u->started_at;
	if (!isnan(u->finished_at) && (isnan(tc->last_end) ||
	    u->finished_at > tc->last_end))
		tc->last_end = u->finished_at;
	if (u->maxrss_kb > tc->peak_rss_kb)
		tc->peak_rss_kb = u->maxrss_kb;
	if (!isnan(u->vram_peak_mb) && (isnan(tc->peak_vram_mb) ||
	    u->vram_peak_mb > tc->peak_vram_mb))
		tc->peak_vram_mb = u->vram_peak_mb;
	if (u->co_running > tc->co_running)
		tc->co_running = u->co_running;

	if (r->nunits % 1024 == 0) {
		r->units = xreallocarray(r->units, r->nunits + 1024,
		    sizeof *r->units);
	}
	ru = &r->units[r->nunits++];
	memset(ru, 0, sizeof *ru);
	ru->id = u->id;
	ru->tc = i;
	ru->status = report_dup(u->status);
	ru->key = report_dup(u->key);
	ru->error = u->error == NULL ? NULL : xstrdup(u->error);
	ru->log_path = u->log_path == NULL ? NULL : xstrdup(u->log_path);
	ru->part = u->part;
	ru->nparts = u->nparts;
	ru->rep = u->rep;
	ru->attempts = u->attempts;
	ru->worker_slot = u->worker_slot;
	ru->exit_code = u->exit_code;
	ru->signal = u->signal;
	ru->co_running = u->co_running;
	ru->started_at = u->started_at;
	ru->finished_at = u->finished_at;
	ru->wall_s = u->wall_s;
	ru->maxrss_kb = u->maxrss_kb;
	ru->vram_peak_mb = u->vram_peak_mb;
	if (u->worker_slot >= r->nslots)
		r->nslots = u->worker_slot + 1;
	return 0;
}

/* Collect a test-case metric. */
static int
report_on_metric(const struct store_metric_row *m, void *data)
{
	struct report_load_ctx *c = data;
	struct report_tc *tc = &c->r->tcs[report_tc_get(c, m->testcase)];

	if (m->name == NULL || isnan(m->value))
		return 0;
	json_object_set_new(tc->metrics, m->name, json_real(m->value));
	if (m->timing)
		json_object_set_new(tc->timing, m->name, json_true());
	return 0;
}

static const struct report *report_sort_run;

/* Rank order: by each sort key (missing values last), then job order. */
static int
report_cmp(const void *a, const void *b)
{
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	int c = rank_compare(json_object_get(report_sort_run->rank, "sort_by"),
	    report_sort_run->tcs[ia].metrics, report_sort_run->tcs[ib].metrics);

	if (c != 0)
		return c;
	return ia < ib ? -1 : ia > ib;
}

/* Rank the test cases and choose the metric columns. */
static void
report_rank(struct report *r)
{
	json_t *names, *v;
	const char *name;
	size_t i, j;

	r->ranked = xcalloc(r->ntcs + 1, sizeof *r->ranked);
	for (i = 0; i < r->ntcs; i++)
		r->ranked[i] = i;
	report_sort_run = r;
	qsort(r->ranked, r->ntcs, sizeof *r->ranked, report_cmp);
	report_sort_run = NULL;
	for (i = 0; i < r->ntcs; i++)
		r->tcs[r->ranked[i]].rank = i + 1;

	names = json_object_get(r->rank, "metrics");
	r->columns = json_array();
	if (json_array_size(names) > 0) {
		json_array_foreach(names, i, v) {
			if (json_is_string(v))
				json_array_append(r->columns, v);
		}
		return;
	}
	/* No list stored: every metric seen, in first-seen order. */
	for (i = 0; i < r->ntcs; i++) {
		json_object_foreach(r->tcs[i].metrics, name, v) {
			for (j = 0; j < json_array_size(r->columns); j++) {
				if (strcmp(json_string_value(json_array_get(
				    r->columns, j)), name) == 0)
					break;
			}
			if (j == json_array_size(r->columns))
				json_array_append_new(r->columns,
				    json_string(name));
		}
	}
}

/* Load a stored run. */
int
report_load(struct store *st, int64_t run_id, struct report **out,
    char **cause)
{
	struct report_load_ctx c;
	struct report *r;

	*out = NULL;
	r = xcalloc(1, sizeof *r);
	r->st = st;
	memset(&c, 0, sizeof c);
	c.r = r;
	c.index = json_object();
	if (store_run_get(st, run_id, report_on_run, r, cause) != 0 ||
	    store_units_list(st, run_id, report_on_unit, &c, cause) != 0 ||
	    store_testcase_metrics_list(st, run_id, report_on_metric, &c,
	    cause) != 0) {
		json_decref(c.index);
		report_free(r);
		return -1;
	}
	json_decref(c.index);
	report_rank(r);
	*out = r;
	return 0;
}

/* Free a loaded run. */
void
report_free(struct report *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->ntcs; i++) {
		free(r->tcs[i].name);
		free(r->tcs[i].algorithm);
		free(r->tcs[i].paradigm);
		json_decref(r->tcs[i].params);
		json_decref(r->tcs[i].metrics);
		json_decref(r->tcs[i].timing);
	}
	for (i = 0; i < r->nunits; i++) {
		free(r->units[i].status);
		free(r->units[i].key);
		free(r->units[i].error);
		free(r->units[i].log_path);
	}
	free(r->tcs);
	free(r->units);
	free(r->ranked);
	json_decref(r->columns);
	json_decref(r->fingerprint);
	json_decref(r->rank);
	free(r->job_name);
	free(r->job_sha256);
	free(r->job_path);
	free(r->mode);
	free(r->launcher);
	free(r->host);
	free(r->status);
	free(r->fingerprint_id);
	free(r->workspace);
	free(r);
}

/* Open the output. */
int
report_open(const char *out, FILE **fp, char **cause)
{
	struct stat sb;
	int fd;

	if (out == NULL || strcmp(out, "-") == 0) {
		*fp = stdout;
		return 0;
	}
	do
		fd = open(out, O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0600);
	while (fd == -1 && errno == EINTR);
	if (fd == -1)
		return err_errno(cause, "cannot create '%s'", out);
	/* log tails inside: private like the logs, even when it existed
	   (a regular file only: -o /dev/null stays as it is) */
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    (sb.st_mode & 077) != 0 && fchmod(fd, 0600) != 0 &&
	    errno != EPERM) {
		err_errno(cause, "cannot chmod '%s'", out);
		close(fd);
		return -1;
	}
	if ((*fp = fdopen(fd, "w")) == NULL) {
		err_errno(cause, "cannot open '%s'", out);
		close(fd);
		return -1;
	}
	return 0;
}

/* Close the output, reporting a failed write. */
int
report_close(FILE *fp, const char *out, char **cause)
{
	int bad;

	if (fp == stdout) {
		if (fflush(fp) != 0 || ferror(fp))
			return err_errno(cause, "cannot write to stdout");
		return 0;
	}
	bad = ferror(fp);
	if (fclose(fp) != 0 || bad) {
		return err_errno(cause, "cannot write '%s'",
		    out == NULL ? "-" : out);
	}
	return 0;
}

/* Length of the valid UTF-8 sequence at s, or 0 when invalid. */
static size_t
report_utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    cp == 0xfffe || cp == 0xffff)
		return 0;
	return n;
}

/* Write s escaped for XML and HTML. */
void
report_esc(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	if (s == NULL)
		return;
	while (*p != '\0') {
		switch (*p) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		case '\'':
			fputs("&#39;", fp);
			break;
		case '\t':
		case '\n':
			fputc(*p, fp);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				fputs("\xef\xbf\xbd", fp);
				break;
			}
			if ((n = report_utf8_len(p)) == 0) {
				fputs("\xef\xbf\xbd", fp);
				break;
			}
			fwrite(p, 1, n, fp);
			p += n;
			continue;
		}
		p++;
	}
}

/* The tail of a log file. */
char *
report_log_tail(const char *path, int nlines, size_t maxbytes)
{
	char *buf, *p;
	off_t size, from;
	ssize_t got;
	size_t have = 0;
	int fd, lines = 0;

	if (path == NULL)
		return NULL;
	do
		fd = open(path, O_RDONLY|O_CLOEXEC|O_NOCTTY);
	while (fd == -1 && errno == EINTR);
	if (fd == -1)
		return NULL;
	size = lseek(fd, 0, SEEK_END);
	if (size < 0) {
		close(fd);
		return NULL;
	}
	from = size > (off_t)maxbytes ? size - (off_t)maxbytes : 0;
	if (lseek(fd, from, SEEK_SET) < 0) {
		close(fd);
		return NULL;
	}
	buf = xmalloc(maxbytes + 1);
	while (have < maxbytes) {
		got = read(fd, buf + have, maxbytes - have);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		have += (size_t)got;
	}
	close(fd);
	buf[have] = '\0';
	/* A NUL inside ends the text there: logs are text. */
	have = strlen(buf);
	while (have > 0 && buf[have - 1] == '\n')
		buf[--have] = '\0';
	for (p = buf + have; p > buf; p--) {
		if (p[-1] == '\n' && ++lines >= nlines)
			break;
	}
	if (p != buf)
		memmove(buf, p, strlen(p) + 1);
	return buf;
}

/* A number compactly. */
const char *
report_num(double v, char *buf, size_t len)
{
	char *e;

	if (isnan(v)) {
		snprintf(buf, len, "-");
		return buf;
	}
	if (v != 0 && (fabs(v) >= 1e7 || fabs(v) < 1e-3))
		snprintf(buf, len, "%.4g", v);
	else
		snprintf(buf, len, "%.4f", v);
	if (strchr(buf, '.') != NULL && strchr(buf, 'e') == NULL) {
		e = buf + strlen(buf) - 1;
		while (*e == '0')
			*e-- = '\0';
		if (*e == '.')
			*e = '\0';
	}
	return buf;
}

/* Epoch seconds as a local date and time. */
const char *
report_date(double t, char *buf, size_t len)
{
	struct tm tm;
	time_t tt;

	if (isnan(t)) {
		snprintf(buf, len, "-");
		return buf;
	}
	tt = (time_t)t;
	if (localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, len, "%.0f", t);
	return buf;
}

/* Whether a bigger value of metric is better. */
int
report_higher_is_better(const char *metric)
{
	size_t n = strlen(metric);

	if (n >= 6 && strcmp(metric + n - 6, "_per_s") == 0)
		return 1;
	if (strstr(metric, "gflops") != NULL ||
	    strstr(metric, "throughput") != NULL ||
	    strstr(metric, "per_sec") != NULL ||
	    (n >= 4 && strcmp(metric + n - 4, "_ops") == 0) ||
	    (n >= 4 && strcmp(metric + n - 4, "_qps") == 0))
		return 1;
	return 0;
}
