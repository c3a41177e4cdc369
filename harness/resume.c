/*
 * resume: the finished units of an earlier run, by key (see resume.h).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "err.h"
#include "resume.h"
#include "store.h"
#include "xalloc.h"
#include "banned.h"

struct resume {
	json_t		*units;		/* key -> [id, status] */
	json_t		*metrics;	/* "id" -> {name: [value, timing]} */
	const char	*job;
	int		 job_ok;
};

/* Collect the old run. */
static int
resume_on_run(const struct store_run_row *row, void *data)
{
	struct resume *r = data;

	r->job_ok = strcmp(row->job_name, r->job) == 0;
	return 0;
}

/* Collect an old unit. */
static int
resume_on_unit(const struct store_unit_row *u, void *data)
{
	struct resume *r = data;

	if (u->key != NULL)
		json_object_set_new(r->units, u->key, json_pack("[I,s]",
		    (json_int_t)u->id, u->status));
	return 0;
}

/* Collect an old unit's metric. */
static int
resume_on_metric(const struct store_metric_row *m, void *data)
{
	struct resume *r = data;
	json_t *obj;
	char id[32];

	snprintf(id, sizeof id, "%" PRId64, m->unit_id);
	if ((obj = json_object_get(r->metrics, id)) == NULL) {
		obj = json_object();
		json_object_set_new(r->metrics, id, obj);
	}
	json_object_set_new(obj, m->name, json_pack("[f,b]", m->value,
	    m->timing));
	return 0;
}

/* Load an old run. */
int
resume_load(struct store *st, int64_t run_id, const char *job_name,
    struct resume **out, char **cause)
{
	struct resume *r = xcalloc(1, sizeof *r);

	r->units = json_object();
	r->metrics = json_object();
	r->job = job_name;
	if (store_run_get(st, run_id, resume_on_run, r, cause) != 0 ||
	    store_units_list(st, run_id, resume_on_unit, r, cause) != 0 ||
	    store_unit_metrics_list(st, run_id, resume_on_metric, r,
	    cause) != 0) {
		resume_free(r);
		return -1;
	}
	if (!r->job_ok) {
		resume_free(r);
		return err_set(cause, "run %" PRId64 " is not a run of job "
		    "'%s'", run_id, job_name);
	}
	*out = r;
	return 0;
}

/* Free what was loaded. */
void
resume_free(struct resume *r)
{
	if (r == NULL)
		return;
	json_decref(r->units);
	json_decref(r->metrics);
	free(r);
}

/* A finished old unit by key. */
int
resume_find(const struct resume *r, const char *key, int64_t *id,
    enum unit_status *status)
{
	json_t *old = json_object_get(r->units, key);

	if (old == NULL || unit_status_parse(json_string_value(
	    json_array_get(old, 1)), status) != 0 ||
	    !unit_status_final(*status))
		return 0;
	*id = (int64_t)json_integer_value(json_array_get(old, 0));
	return 1;
}

/* An old unit's metrics. */
json_t *
resume_metrics(const struct resume *r, int64_t id)
{
	char key[32];
	json_t *m;

	snprintf(key, sizeof key, "%" PRId64, id);
	m = json_object_get(r->metrics, key);
	return m != NULL ? json_deep_copy(m) : json_object();
}
