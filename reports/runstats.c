/*
 * runstats: a run's per-test-case, per-metric samples (see runstats.h).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runstats.h"
#include "stats.h"
#include "store.h"
#include "xalloc.h"
#include "banned.h"

/* What the walks share. */
struct runstats_walk {
	json_t	*out;
	json_t	*measured;	/* unit id (text) -> test case, ok and not warm-up */
};

/* Append v to out[tc][name]. */
static void
runstats_add(json_t *out, const char *tc, const char *name, double v)
{
	json_t *t = json_object_get(out, tc), *a;

	if (t == NULL)
		json_object_set_new(out, tc, t = json_object());
	if ((a = json_object_get(t, name)) == NULL)
		json_object_set_new(t, name, a = json_array());
	json_array_append_new(a, json_real(v));
}

/* A unit: measured when ok and not warm-up; its wall time. */
static int
runstats_unit(const struct store_unit_row *u, void *data)
{
	struct runstats_walk *w = data;
	char id[32];

	if (u->warmup || u->testcase == NULL || strcmp(u->status, "ok") != 0)
		return 0;
	snprintf(id, sizeof id, "%lld", (long long)u->id);
	json_object_set_new(w->measured, id, json_string(u->testcase));
	if (!isnan(u->wall_s))
		runstats_add(w->out, u->testcase, "wall_s", u->wall_s);
	return 0;
}

/* A unit metric of a measured unit. */
static int
runstats_metric(const struct store_metric_row *m, void *data)
{
	struct runstats_walk *w = data;
	char id[32];

	snprintf(id, sizeof id, "%lld", (long long)m->unit_id);
	if (json_object_get(w->measured, id) == NULL || isnan(m->value) ||
	    strcmp(m->name, "wall_s") == 0)
		return 0;
	runstats_add(w->out, m->testcase, m->name, m->value);
	return 0;
}

/* Load a run's samples; see runstats.h. */
int
runstats_load(struct store *st, int64_t run_id, json_t **out, char **cause)
{
	struct runstats_walk w = { json_object(), json_object() };
	int rc;

	rc = store_units_list(st, run_id, runstats_unit, &w, cause) != 0 ||
	    store_unit_metrics_list(st, run_id, runstats_metric, &w,
	    cause) != 0 ? -1 : 0;
	json_decref(w.measured);
	if (rc != 0) {
		json_decref(w.out);
		return -1;
	}
	*out = w.out;
	return 0;
}

/* An array of reals as doubles; see runstats.h. */
double *
runstats_values(json_t *a, size_t *n)
{
	double *v = xcalloc(json_array_size(a) + 1, sizeof *v);
	size_t i;
	json_t *x;

	json_array_foreach(a, i, x)
		v[i] = json_number_value(x);
	*n = json_array_size(a);
	return v;
}

/* A real, or null when not finite. */
static json_t *
runstats_num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* One summary as JSON; see runstats.h. */
json_t *
runstats_stats_json(const struct stats *s)
{
	return json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:I}",
	    "n", (json_int_t)s->n, "mean", runstats_num(s->mean),
	    "median", runstats_num(s->median), "sd", runstats_num(s->sd),
	    "min", runstats_num(s->min), "max", runstats_num(s->max),
	    "lo", runstats_num(s->lo), "hi", runstats_num(s->hi),
	    "outliers", (json_int_t)s->outliers);
}

/* Summarise every sample; see runstats.h. */
json_t *
runstats_summary(json_t *samples)
{
	json_t *out = json_object(), *tc, *a, *o;
	const char *name, *metric;
	struct stats s;
	double *v;
	size_t n;

	json_object_foreach(samples, name, tc) {
		o = json_object();
		json_object_foreach(tc, metric, a) {
			v = runstats_values(a, &n);
			stats_compute(v, n, &s);
			free(v);
			json_object_set_new(o, metric, runstats_stats_json(&s));
		}
		json_object_set_new(out, name, o);
	}
	return out;
}

/* Repeats anywhere; see runstats.h. */
int
runstats_has_repeats(json_t *samples)
{
	json_t *tc, *a;
	const char *name, *metric;

	json_object_foreach(samples, name, tc) {
		json_object_foreach(tc, metric, a) {
			if (json_array_size(a) >= 2)
				return 1;
		}
	}
	return 0;
}
