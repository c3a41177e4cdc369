/*
 * report-csv: Ianvs's leaderboard files in WORKSPACE/rank/ (or -o DIR):
 * all_rank.csv, to which every run's rows are added (the old rows are
 * read back, merged and ranked again, as Ianvs does), and
 * selected_rank.csv, this run's rows with the columns of
 * rank.selected_dataitem. rank.save_mode "selected_only" skips all_rank.
 *
 * Columns: rank, algorithm, <metrics>, paradigm, <module types>,
 * <moduletype-hyperparameter>, time, url. Ianvs users parse these two
 * files, so the statistics over repeats go to a third, stats.csv: one row
 * per test case and metric of this run (reports/runstats.h, warm-up left
 * out) with run, testcase, metric, n, mean, median, sd, min, max,
 * ci95_low, ci95_high (Student t), interval ("t95", or "n=1" with the
 * interval cells empty) and outliers (Tukey, beyond 1.5 IQR). A cell that starts with = + - @
 * (or tab, carriage return) and is not a number gets a leading ' so a
 * spreadsheet does not run it as a formula.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "err.h"
#include "rank.h"
#include "report.h"
#include "runstats.h"
#include "xalloc.h"
#include "banned.h"

/* A table: header and rows of cells, all strings. */
struct csv_table {
	json_t	*header;	/* array of strings */
	json_t	*rows;		/* array of arrays of strings */
};

/* Whether s is a whole number as strtod reads it. */
static int
csv_is_number(const char *s)
{
	char *end;

	if (*s == '\0')
		return 0;
	(void)strtod(s, &end);
	return *end == '\0';
}

/* Write one cell, neutralised and quoted as needed. */
static void
csv_cell(FILE *fp, const char *s)
{
	const char *p;

	if (strchr("=+-@\t\r", *s) != NULL && *s != '\0' &&
	    !csv_is_number(s)) {
		/* a formula for a spreadsheet: make it text */
		fputc('"', fp);
		fputc('\'', fp);
	} else if (strpbrk(s, ",\"\n\r") != NULL)
		fputc('"', fp);
	else {
		fputs(s, fp);
		return;
	}
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			fputc('"', fp);
		fputc(*p, fp);
	}
	fputc('"', fp);
}

/* Write a row of string cells. */
static void
csv_row(FILE *fp, json_t *cells)
{
	json_t *v;
	size_t i;

	json_array_foreach(cells, i, v) {
		if (i > 0)
			fputc(',', fp);
		csv_cell(fp, json_string_value(v) != NULL ?
		    json_string_value(v) : "");
	}
	fputs("\r\n", fp);
}

/* Parse CSV text (RFC 4180) into rows of cells. */
static json_t *
csv_parse(const char *s)
{
	json_t *rows = json_array(), *row = json_array();
	char *cell = xmalloc(strlen(s) + 1);
	size_t n = 0;
	int quoted = 0, any = 0;

	for (;; s++) {
		if (quoted) {
			if (*s == '\0')
				break;
			if (*s == '"' && s[1] == '"') {
				cell[n++] = '"';
				s++;
			} else if (*s == '"')
				quoted = 0;
			else
				cell[n++] = *s;
			continue;
		}
		if (*s == '"') {
			quoted = any = 1;
			continue;
		}
		if (*s == ',' || *s == '\n' || *s == '\0') {
			cell[n] = '\0';
			if (*s != '\0' || any || n > 0 ||
			    json_array_size(row) > 0)
				json_array_append_new(row, json_string(cell));
			n = 0;
			any = 0;
			if (*s != ',') {
				if (json_array_size(row) > 0)
					json_array_append(rows, row);
				json_decref(row);
				row = json_array();
			}
			if (*s == '\0')
				break;
			continue;
		}
		if (*s == '\r')
			continue;
		cell[n++] = *s;
		any = 1;
	}
	json_decref(row);
	free(cell);
	return rows;
}

/* Read a whole file; NULL when missing. */
static char *
csv_slurp(const char *path)
{
	FILE *fp;
	char *buf = NULL;
	size_t len = 0, got;
	char chunk[8192];

	if ((fp = fopen(path, "re")) == NULL)
		return NULL;
	while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0) {
		buf = xreallocarray(buf, len + got + 1, 1);
		memcpy(buf + len, chunk, got);
		len += got;
	}
	fclose(fp);
	if (buf == NULL)
		buf = xstrdup("");
	else
		buf[len] = '\0';
	return buf;
}

/* Append s to array a unless there. */
static void
csv_add_name(json_t *a, const char *s)
{
	json_t *v;
	size_t i;

	json_array_foreach(a, i, v) {
		if (strcmp(json_string_value(v), s) == 0)
			return;
	}
	json_array_append_new(a, json_string(s));
}

/* A JSON scalar as cell text. */
static char *
csv_scalar(json_t *v)
{
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_integer(v))
		return xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
	if (json_is_real(v))
		return xasprintf("%.17g", json_real_value(v));
	if (json_is_true(v))
		return xstrdup("True");
	if (json_is_false(v))
		return xstrdup("False");
	if (v == NULL || json_is_null(v))
		return xstrdup("");
	return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

/*
 * A test case's modules with its values (a new reference), or NULL: from
 * its algorithm's modules in runs.rank ("algorithms", schema 5), whose
 * hyperparameters name the keys of the test case's params; or as stored
 * per test case ("testcases", runs before schema 5).
 */
static json_t *
csv_modules(struct report *r, struct report_tc *tc)
{
	json_t *mods, *out, *m, *mc, *hp, *vals, *key;
	const char *name;
	size_t j;

	mods = json_object_get(json_object_get(r->rank, "algorithms"),
	    tc->algorithm);
	if (!json_is_array(mods))
		return json_incref(json_object_get(json_object_get(
		    json_object_get(r->rank, "testcases"), tc->name),
		    "modules"));
	out = json_array();
	json_array_foreach(mods, j, m) {
		mc = json_copy(m);
		vals = json_object();
		hp = json_object_get(m, "hyperparameters");
		json_object_foreach(hp, name, key) {
			json_object_set(vals, name, json_object_get(tc->params,
			    json_string_value(key)));
		}
		json_object_set_new(mc, "hyperparameters", vals);
		json_array_append_new(out, mc);
	}
	return out;
}

/* Columns (module types, hyperparameter columns) over every test case. */
static void
csv_columns(struct report *r, json_t *types, json_t *hps)
{
	json_t *mods, *m, *hp, *v;
	const char *type, *name;
	size_t i, j;
	char *col;

	for (i = 0; i < r->ntcs; i++) {
		mods = csv_modules(r, &r->tcs[i]);
		if (mods == NULL) {
			json_object_foreach(r->tcs[i].params, name, v)
				csv_add_name(hps, name);
			continue;
		}
		json_array_foreach(mods, j, m) {
			type = json_string_value(json_object_get(m, "type"));
			if (type == NULL)
				type = "module";
			csv_add_name(types, type);
			hp = json_object_get(m, "hyperparameters");
			json_object_foreach(hp, name, v) {
				col = xasprintf("%s-%s", type, name);
				csv_add_name(hps, col);
				free(col);
			}
		}
		json_decref(mods);
	}
}

/* The cell of column col in modules mods, allocated, or NULL. */
static char *
csv_mods_cell(json_t *mods, const char *col, int is_type)
{
	json_t *m, *hp, *v;
	const char *type, *name;
	size_t j, tl;

	json_array_foreach(mods, j, m) {
		type = json_string_value(json_object_get(m, "type"));
		if (type == NULL)
			type = "module";
		if (is_type) {
			if (strcmp(type, col) == 0)
				return csv_scalar(json_object_get(m, "name"));
			continue;
		}
		tl = strlen(type);
		if (strncmp(col, type, tl) != 0 || col[tl] != '-')
			continue;
		hp = json_object_get(m, "hyperparameters");
		json_object_foreach(hp, name, v) {
			if (strcmp(col + tl + 1, name) == 0)
				return csv_scalar(v);
		}
	}
	return NULL;
}

/* The value of a module-type or hyperparameter column for a test case. */
static char *
csv_module_cell(struct report *r, struct report_tc *tc, const char *col,
    int is_type)
{
	json_t *mods;
	char *cell;

	mods = csv_modules(r, tc);
	if (mods == NULL) {
		if (is_type)
			return xstrdup("");
		return csv_scalar(json_object_get(tc->params, col));
	}
	cell = csv_mods_cell(mods, col, is_type);
	json_decref(mods);
	return cell != NULL ? cell : xstrdup("");
}

/* Whether list (a selected_dataitem entry) allows name. */
static int
csv_selected(json_t *sel, const char *key, const char *name)
{
	json_t *list = json_object_get(sel, key), *v;
	size_t i;

	if (list == NULL || !json_is_array(list))
		return 1;
	json_array_foreach(list, i, v) {
		if (json_is_string(v) && (strcmp(json_string_value(v),
		    "all") == 0 || strcmp(json_string_value(v), name) == 0))
			return 1;
	}
	return 0;
}

/* A row being ranked: its cells, its sort keys, its place before. */
struct csv_sort_row {
	json_t	*cells;		/* borrowed: strings, without the rank cell */
	json_t	*keys;		/* owned: name -> real, for rank_compare */
	size_t	 index;		/* position before sorting, breaks ties */
};

/* The sort_by of the table being ranked, for csv_cmp. */
static json_t *csv_sort_by;

/* The numeric value of column name of row, NAN when missing. */
static double
csv_col_value(json_t *header, json_t *row, const char *name)
{
	json_t *v;
	const char *s;
	char *end;
	size_t i;
	double d;

	json_array_foreach(header, i, v) {
		if (strcmp(json_string_value(v), name) != 0)
			continue;
		s = json_string_value(json_array_get(row, i));
		if (s == NULL || *s == '\0')
			return NAN;
		d = strtod(s, &end);
		return *end == '\0' ? d : NAN;
	}
	return NAN;
}

/* The sort_by metrics of row as rank_compare takes them (name -> real);
   an empty or non-numeric cell is left out, so it ranks last. */
static json_t *
csv_row_keys(json_t *header, json_t *row, json_t *sort_by)
{
	json_t *keys = json_object(), *key, *v;
	const char *metric;
	size_t i;
	double d;

	json_array_foreach(sort_by, i, key) {
		json_object_foreach(key, metric, v) {
			d = csv_col_value(header, row, metric);
			if (!isnan(d))
				json_object_set_new(keys, metric, json_real(d));
		}
	}
	return keys;
}

/* Compare rows as the reports rank test cases (rank.h); the row's place
   before sorting breaks ties, so the sort is stable. */
static int
csv_cmp(const void *a, const void *b)
{
	const struct csv_sort_row *x = a, *y = b;
	int c;

	if ((c = rank_compare(csv_sort_by, x->keys, y->keys)) != 0)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Write table t to path, ranking rows (rank cell first) by sort_by. */
static int
csv_write_file(const char *path, json_t *header, json_t *rows,
    json_t *sort_by, char **cause)
{
	struct csv_sort_row *v;
	json_t *row;
	FILE *fp = NULL;
	size_t i, n = json_array_size(rows);
	char buf[32];
	int rc = -1;

	v = xcalloc(n + 1, sizeof *v);
	for (i = 0; i < n; i++) {
		v[i].cells = json_array_get(rows, i);
		v[i].keys = csv_row_keys(header, v[i].cells, sort_by);
		v[i].index = i;
	}
	csv_sort_by = sort_by;
	qsort(v, n, sizeof *v, csv_cmp);
	csv_sort_by = NULL;
	if (report_open(path, &fp, cause) != 0)
		goto out;
	row = json_array();
	json_array_append_new(row, json_string("rank"));
	json_array_extend(row, header);
	csv_row(fp, row);
	json_decref(row);
	for (i = 0; i < n; i++) {
		row = json_copy(v[i].cells);
		snprintf(buf, sizeof buf, "%zu", i + 1);
		json_array_insert_new(row, 0, json_string(buf));
		csv_row(fp, row);
		json_decref(row);
	}
	rc = report_close(fp, path, cause);
out:
	for (i = 0; i < n; i++)
		json_decref(v[i].keys);
	free(v);
	return rc;
}

/* The header of a table (without rank): algorithm, metrics, paradigm,
   module types, hyperparameter columns, time, url; sel (a
   selected_dataitem) narrows the columns, NULL keeps all. */
static json_t *
csv_header(struct report *r, json_t *types, json_t *hps, json_t *sel)
{
	json_t *header = json_array(), *v;
	const char *name;
	size_t j;

	json_array_append_new(header, json_string("algorithm"));
	json_array_foreach(r->columns, j, v) {
		if (sel == NULL || csv_selected(sel, "metrics",
		    json_string_value(v)))
			json_array_append(header, v);
	}
	json_array_append_new(header, json_string("paradigm"));
	json_array_foreach(types, j, v) {
		if (sel == NULL || csv_selected(sel, "modules",
		    json_string_value(v)))
			json_array_append(header, v);
	}
	json_array_foreach(hps, j, v) {
		name = json_string_value(v);
		if (sel != NULL && strchr(name, '-') != NULL &&
		    !csv_selected(sel, "hyperparameters",
		    strchr(name, '-') + 1))
			continue;
		json_array_append(header, v);
	}
	json_array_append_new(header, json_string("time"));
	json_array_append_new(header, json_string("url"));
	return header;
}

/* Whether name is one of the module types. */
static int
csv_is_type(json_t *types, const char *name)
{
	size_t j;
	int is_type = 0;

	for (j = 0; j < json_array_size(types); j++) {
		if (strcmp(json_string_value(json_array_get(types, j)),
		    name) == 0)
			is_type = 1;
	}
	return is_type;
}

/* The cell of column k (named name) of header for test case tc;
   allocated. */
static char *
csv_cell_text(struct report *r, struct report_tc *tc, json_t *header,
    json_t *types, size_t k, const char *name, const char *url)
{
	size_t nmetrics = json_array_size(r->columns);
	char buf[64], date[32];

	if (k == 0)
		return xstrdup(tc->algorithm);
	if (strcmp(name, "paradigm") == 0 && k > nmetrics)
		return xstrdup(tc->paradigm);
	if (strcmp(name, "time") == 0 && k == json_array_size(header) - 2)
		return xstrdup(report_date(tc->first_start, date,
		    sizeof date));
	if (strcmp(name, "url") == 0 && k == json_array_size(header) - 1)
		return xstrdup(url);
	if (json_object_get(tc->metrics, name) != NULL && k <= nmetrics) {
		snprintf(buf, sizeof buf, "%.17g",
		    json_real_value(json_object_get(tc->metrics, name)));
		return xstrdup(buf);
	}
	if (k <= nmetrics)
		return xstrdup("");
	return csv_module_cell(r, tc, name, csv_is_type(types, name));
}

/* Build this run's table: header (without rank) and rows. */
static void
csv_build(struct report *r, struct csv_table *t, json_t *sel)
{
	json_t *types = json_array(), *hps = json_array(), *v, *row, *jcell;
	struct report_tc *tc;
	size_t i, k;
	char *cell, *url;

	csv_columns(r, types, hps);
	t->header = csv_header(r, types, hps, sel);
	t->rows = json_array();
	url = xasprintf("%s/runs/%" PRId64, r->workspace, r->id);
	for (i = 0; i < r->ntcs; i++) {
		tc = &r->tcs[r->ranked[i]];
		if (sel != NULL && !csv_selected(sel, "paradigms",
		    tc->paradigm))
			continue;
		row = json_array();
		json_array_foreach(t->header, k, v) {
			cell = csv_cell_text(r, tc, t->header, types, k,
			    json_string_value(v), url);
			jcell = json_string(cell);
			json_array_append_new(row, jcell != NULL ? jcell :
			    json_string("\xef\xbf\xbd"));
			free(cell);
		}
		json_array_append_new(t->rows, row);
	}
	free(url);
	json_decref(types);
	json_decref(hps);
}

/* Create dir and its parents. */
static int
csv_mkdirs(const char *dir, char **cause)
{
	char *copy = xstrdup(dir), *p;
	int end;

	for (p = copy + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		end = *p == '\0';

		*p = '\0';
		if (mkdir(copy, 0755) != 0 && errno != EEXIST) {
			err_errno(cause, "cannot create directory '%s'", copy);
			free(copy);
			return -1;
		}
		if (end)
			break;
		*p = '/';
	}
	free(copy);
	return 0;
}

/* A statistic as a cell: empty when null. */
static json_t *
csv_stat_cell(json_t *st, const char *key)
{
	json_t *v = json_object_get(st, key);
	char buf[64];

	if (json_is_integer(v))
		snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, sizeof buf, "%.10g", json_real_value(v));
	else
		buf[0] = '\0';
	return json_string(buf);
}

/* One row of stats.csv: test case tc, metric name, summary st. */
static json_t *
csv_stats_row(const struct report *r, const char *tc, const char *name,
    json_t *st)
{
	static const char *const keys[] = { "n", "mean", "median", "sd",
	    "min", "max", "lo", "hi" };
	json_t *row = json_array(), *cell;
	char buf[32];
	size_t i;

	snprintf(buf, sizeof buf, "%" PRId64, r->id);
	json_array_append_new(row, json_string(buf));
	cell = json_string(tc);
	json_array_append_new(row, cell != NULL ? cell :
	    json_string("\xef\xbf\xbd"));
	cell = json_string(name);
	json_array_append_new(row, cell != NULL ? cell :
	    json_string("\xef\xbf\xbd"));
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		json_array_append_new(row, csv_stat_cell(st, keys[i]));
	json_array_append_new(row, json_string(json_integer_value(
	    json_object_get(st, "n")) < 2 ? "n=1" : "t95"));
	json_array_append_new(row, csv_stat_cell(st, "outliers"));
	return row;
}

/* stats.csv in dir: this run's statistics per test case and metric. */
static int
csv_stats_write(struct report *r, const char *dir, char **cause)
{
	static const char *const header[] = { "run", "testcase", "metric",
	    "n", "mean", "median", "sd", "min", "max", "ci95_low",
	    "ci95_high", "interval", "outliers" };
	json_t *samples, *sum, *tc, *st, *row;
	const char *name, *metric;
	char *path;
	FILE *fp;
	size_t i;

	if (runstats_load(r->st, r->id, &samples, cause) != 0)
		return -1;
	sum = runstats_summary(samples);
	json_decref(samples);
	path = xasprintf("%s/stats.csv", dir);
	if (report_open(path, &fp, cause) != 0) {
		free(path);
		json_decref(sum);
		return -1;
	}
	row = json_array();
	for (i = 0; i < sizeof header / sizeof header[0]; i++)
		json_array_append_new(row, json_string(header[i]));
	csv_row(fp, row);
	json_decref(row);
	json_object_foreach(sum, name, tc) {
		json_object_foreach(tc, metric, st) {
			row = csv_stats_row(r, name, metric, st);
			csv_row(fp, row);
			json_decref(row);
		}
	}
	json_decref(sum);
	i = report_close(fp, path, cause) != 0;
	free(path);
	return i ? -1 : 0;
}

/* Write all_rank.csv, selected_rank.csv and stats.csv. */
static int
report_csv_write(struct report *r, const char *out, char **cause)
{
	struct csv_table all, sel;
	json_t *old, *sort_by, *oldrow;
	const char *save_mode;
	char *dir, *path = NULL, *text, *bak;
	size_t i;
	int rc = -1;

	sort_by = json_object_get(r->rank, "sort_by");
	save_mode = json_string_value(json_object_get(r->rank, "save_mode"));
	dir = out != NULL ? xstrdup(out) : xasprintf("%s/rank", r->workspace);
	if (csv_mkdirs(dir, cause) != 0) {
		free(dir);
		return -1;
	}
	csv_build(r, &all, NULL);
	csv_build(r, &sel, json_object_get(r->rank, "selected_dataitem"));

	if (save_mode == NULL || strcmp(save_mode, "selected_only") != 0) {
		path = xasprintf("%s/all_rank.csv", dir);
		if ((text = csv_slurp(path)) != NULL) {
			old = csv_parse(text);
			free(text);
			oldrow = json_array_get(old, 0);
			if (oldrow != NULL) {
				json_array_remove(oldrow, 0);
			}
			if (oldrow != NULL && json_equal(oldrow, all.header)) {
				/* Ianvs: old rows + new rows, ranked again */
				for (i = json_array_size(old); i-- > 1;) {
					oldrow = json_array_get(old, i);
					json_array_remove(oldrow, 0);
					if (json_array_size(oldrow) !=
					    json_array_size(all.header))
						continue;
					json_array_insert(all.rows, 0, oldrow);
				}
			} else if (oldrow != NULL) {
				/* other columns: keep the old file aside */
				bak = xasprintf("%s.old", path);
				if (rename(path, bak) != 0) {
					err_errno(cause, "cannot rename '%s'",
					    path);
					free(bak);
					json_decref(old);
					goto out;
				}
				free(bak);
			}
			json_decref(old);
		}
		if (csv_write_file(path, all.header, all.rows, sort_by,
		    cause) != 0)
			goto out;
		free(path);
	}
	path = xasprintf("%s/selected_rank.csv", dir);
	if (csv_write_file(path, sel.header, sel.rows, sort_by, cause) != 0 ||
	    csv_stats_write(r, dir, cause) != 0)
		goto out;
	rc = 0;
out:
	free(path);
	free(dir);
	json_decref(all.header);
	json_decref(all.rows);
	json_decref(sel.header);
	json_decref(sel.rows);
	return rc;
}

const struct report_ops report_csv_ops = { "csv", report_csv_write };
