/*
 * diff: unit-by-unit comparison of two runs from the database.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "diff.h"
#include "err.h"
#include "store.h"
#include "xalloc.h"
#include "banned.h"

/* What one run holds, keyed for matching. */
struct diff_side {
	json_t	*units;		/* key -> {"id","testcase","part","rep","status"} */
	json_t	*byid;		/* "id" -> key */
	json_t	*metrics;	/* key -> {name: [value, timing]} */
	json_t	*tcmetrics;	/* testcase -> {name: [value, timing]} */
};

struct diff_ctx {
	FILE		*out;
	json_t		*rows;		/* or this array, when not NULL */
	size_t		 max_rows;
	struct diff_result *res;
	int		 header;
};

/* Collect a unit. */
static int
diff_on_unit(const struct store_unit_row *u, void *data)
{
	struct diff_side *sd = data;
	char id[32];

	if (u->key == NULL)
		return 0;
	snprintf(id, sizeof id, "%" PRId64, u->id);
	json_object_set_new(sd->units, u->key, json_pack("{s:s,s:i,s:i,s:s}",
	    "testcase", u->testcase != NULL ? u->testcase : "?",
	    "part", (int)u->part, "rep", (int)u->rep, "status", u->status));
	json_object_set_new(sd->byid, id, json_string(u->key));
	return 0;
}

/* Collect a unit metric under its unit's key. */
static int
diff_on_metric(const struct store_metric_row *m, void *data)
{
	struct diff_side *sd = data;
	const char *key;
	json_t *obj;
	char id[32];

	snprintf(id, sizeof id, "%" PRId64, m->unit_id);
	key = json_string_value(json_object_get(sd->byid, id));
	if (key == NULL)
		return 0;
	obj = json_object_get(sd->metrics, key);
	if (obj == NULL) {
		obj = json_object();
		json_object_set_new(sd->metrics, key, obj);
	}
	json_object_set_new(obj, m->name, json_pack("[f,b]", m->value,
	    m->timing));
	return 0;
}

/* Collect a test-case metric. */
static int
diff_on_tcmetric(const struct store_metric_row *m, void *data)
{
	struct diff_side *sd = data;
	json_t *obj = json_object_get(sd->tcmetrics, m->testcase);

	if (obj == NULL) {
		obj = json_object();
		json_object_set_new(sd->tcmetrics, m->testcase, obj);
	}
	json_object_set_new(obj, m->name, json_pack("[f,b]", m->value,
	    m->timing));
	return 0;
}

/* Does nothing: store_run_get needs a callback. */
static int
diff_on_run(const struct store_run_row *r, void *data)
{
	(void)r;
	(void)data;
	return 0;
}

/* Load one run. */
static int
diff_load(struct store *st, int64_t run, struct diff_side *sd, char **cause)
{
	sd->units = json_object();
	sd->byid = json_object();
	sd->metrics = json_object();
	sd->tcmetrics = json_object();
	if (store_run_get(st, run, diff_on_run, NULL, cause) != 0 ||
	    store_units_list(st, run, diff_on_unit, sd, cause) != 0 ||
	    store_unit_metrics_list(st, run, diff_on_metric, sd, cause) != 0 ||
	    store_testcase_metrics_list(st, run, diff_on_tcmetric, sd,
	    cause) != 0)
		return -1;
	return 0;
}

/* Free one run. */
static void
diff_free(struct diff_side *sd)
{
	json_decref(sd->units);
	json_decref(sd->byid);
	json_decref(sd->metrics);
	json_decref(sd->tcmetrics);
}

/* A value as text, or "-" when absent. */
static const char *
diff_value(json_t *v, char *buf, size_t len)
{
	if (v == NULL)
		return "-";
	snprintf(buf, len, "%.17g", json_real_value(json_array_get(v, 0)));
	return buf;
}

/* A value of a mismatch row as JSON: a number for a metric ("-", absent:
   null), the text for "(unit)" and "(status)" rows. */
static json_t *
diff_json_value(const char *metric, const char *v)
{
	json_t *s;

	if (metric[0] == '(') {
		s = json_string(v);
		return s != NULL ? s : json_null();
	}
	if (strcmp(v, "-") == 0)
		return json_null();
	return json_real(strtod(v, NULL));
}

/* Print (or count, or append to rows) one mismatch. */
static void
diff_row(struct diff_ctx *dc, const char *what, const char *metric,
    const char *va, const char *vb)
{
	json_t *o;

	dc->res->mismatches++;
	if (dc->rows != NULL) {
		o = json_object();
		json_object_set_new(o, "what", diff_json_value("(", what));
		json_object_set_new(o, "metric", diff_json_value("(", metric));
		json_object_set_new(o, "a", diff_json_value(metric, va));
		json_object_set_new(o, "b", diff_json_value(metric, vb));
		json_array_append_new(dc->rows, o);
		return;
	}
	if (dc->out == NULL)
		return;
	if (dc->res->mismatches > dc->max_rows)
		return;
	if (!dc->header) {
		fprintf(dc->out, "%-44s  %-20s  %24s  %24s\n", "unit / test case",
		    "metric", "run A", "run B");
		dc->header = 1;
	}
	fprintf(dc->out, "%-44.44s  %-20.20s  %24.24s  %24.24s\n", what, metric,
	    va, vb);
}

/* Compare two {name:[value,timing]} objects. */
static void
diff_metrics(struct diff_ctx *dc, const char *what, json_t *ma, json_t *mb)
{
	json_t *va, *vb;
	const char *name;
	char ba[40], bb[40];
	double da, db;
	int pass;

	/* names of A, then names only in B */
	for (pass = 0; pass < 2; pass++) {
		json_object_foreach(pass == 0 ? ma : mb, name, va) {
			if (pass == 1 && json_object_get(ma, name) != NULL)
				continue;
			va = json_object_get(ma, name);
			vb = json_object_get(mb, name);
			if ((va != NULL && json_is_true(json_array_get(va, 1))) ||
			    (vb != NULL && json_is_true(json_array_get(vb, 1)))) {
				dc->res->timing_skipped++;
				continue;
			}
			dc->res->compared++;
			if (va != NULL && vb != NULL) {
				da = json_real_value(json_array_get(va, 0));
				db = json_real_value(json_array_get(vb, 0));
				if (memcmp(&da, &db, sizeof da) == 0)
					continue;
			}
			diff_row(dc, what, name, diff_value(va, ba, sizeof ba),
			    diff_value(vb, bb, sizeof bb));
		}
	}
}

/* Whether a unit status counts as a result. */
static int
diff_fine(const char *status)
{
	return strcmp(status, "ok") == 0 || strcmp(status, "skipped") == 0;
}

/* Compare the runs: the rows to out or to rows (diff_runs_json). */
static int
diff_runs_to(struct store *st, int64_t a, int64_t b, FILE *out,
    size_t max_rows, json_t *rows, struct diff_result *res, char **cause)
{
	struct diff_side sa, sb;
	struct diff_ctx dc;
	json_t *ua, *ub, *empty = json_object();
	const char *key, *sta, *stb;
	char what[160];
	int rc = -1;

	memset(res, 0, sizeof *res);
	memset(&dc, 0, sizeof dc);
	memset(&sa, 0, sizeof sa);
	memset(&sb, 0, sizeof sb);
	dc.out = out;
	dc.rows = rows;
	dc.max_rows = max_rows;
	dc.res = res;
	if (diff_load(st, a, &sa, cause) != 0 ||
	    diff_load(st, b, &sb, cause) != 0)
		goto out;
	res->units_a = json_object_size(sa.units);
	res->units_b = json_object_size(sb.units);
	json_object_foreach(sa.units, key, ua) {
		ub = json_object_get(sb.units, key);
		snprintf(what, sizeof what, "%s p%d r%d",
		    json_string_value(json_object_get(ua, "testcase")),
		    (int)json_integer_value(json_object_get(ua, "part")),
		    (int)json_integer_value(json_object_get(ua, "rep")));
		if (ub == NULL) {
			diff_row(&dc, what, "(unit)", "present", "missing");
			continue;
		}
		res->matched++;
		sta = json_string_value(json_object_get(ua, "status"));
		stb = json_string_value(json_object_get(ub, "status"));
		if (strcmp(sta, stb) != 0) {
			diff_row(&dc, what, "(status)", sta, stb);
			continue;
		}
		if (!diff_fine(sta)) {
			res->not_ok++;
			continue;
		}
		ua = json_object_get(sa.metrics, key);
		ub = json_object_get(sb.metrics, key);
		diff_metrics(&dc, what, ua != NULL ? ua : empty,
		    ub != NULL ? ub : empty);
	}
	json_object_foreach(sb.units, key, ub) {
		if (json_object_get(sa.units, key) != NULL)
			continue;
		snprintf(what, sizeof what, "%s p%d r%d",
		    json_string_value(json_object_get(ub, "testcase")),
		    (int)json_integer_value(json_object_get(ub, "part")),
		    (int)json_integer_value(json_object_get(ub, "rep")));
		diff_row(&dc, what, "(unit)", "missing", "present");
	}
	json_object_foreach(sa.tcmetrics, key, ua) {
		ub = json_object_get(sb.tcmetrics, key);
		snprintf(what, sizeof what, "%s (merged)", key);
		diff_metrics(&dc, what, ua, ub != NULL ? ub : empty);
	}
	json_object_foreach(sb.tcmetrics, key, ub) {
		if (json_object_get(sa.tcmetrics, key) != NULL)
			continue;
		snprintf(what, sizeof what, "%s (merged)", key);
		diff_metrics(&dc, what, empty, ub);
	}
	if (out != NULL && res->mismatches > max_rows)
		fprintf(out, "... and %zu more\n", res->mismatches - max_rows);
	rc = 0;
out:
	diff_free(&sa);
	diff_free(&sb);
	json_decref(empty);
	return rc;
}

/* Compare the runs, printing the mismatches. */
int
diff_runs(struct store *st, int64_t a, int64_t b, FILE *out, size_t max_rows,
    struct diff_result *res, char **cause)
{
	return diff_runs_to(st, a, b, out, max_rows, NULL, res, cause);
}

/* Compare the runs, collecting the mismatches. */
int
diff_runs_json(struct store *st, int64_t a, int64_t b, json_t *rows,
    struct diff_result *res, char **cause)
{
	return diff_runs_to(st, a, b, NULL, 0, rows, res, cause);
}
