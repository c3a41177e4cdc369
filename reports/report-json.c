/*
 * report-json: a stored run as one JSON document for dashboards: the run,
 * its test cases with merged metrics, its units with their metrics, and
 * the resource peaks.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "err.h"
#include "report.h"
#include "runstats.h"
#include "store.h"
#include "banned.h"

/* A real, or null when unknown. */
static json_t *
report_json_real(double v)
{
	return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

/* A string, or null; invalid UTF-8 reads as null rather than failing. */
static json_t *
report_json_str(const char *s)
{
	json_t *v;

	if (s == NULL)
		return json_null();
	v = json_string(s);
	return v != NULL ? v : json_null();
}

/* Collect unit metrics into {unit id: {name: value}}. */
static int
report_json_on_metric(const struct store_metric_row *m, void *data)
{
	json_t *all = data, *o;
	char key[32];

	snprintf(key, sizeof key, "%" PRId64, m->unit_id);
	if ((o = json_object_get(all, key)) == NULL) {
		o = json_object();
		json_object_set_new(all, key, o);
	}
	if (m->name != NULL)
		json_object_set_new(o, m->name, report_json_real(m->value));
	return 0;
}

/* Set key of o to the integer v, or to null when v < 0 (unknown). */
static void
report_json_set_known(json_t *o, const char *key, json_int_t v)
{
	json_object_set_new(o, key, v < 0 ? json_null() : json_integer(v));
}

/* The "run" object. */
static json_t *
report_json_run(const struct report *r)
{
	json_t *run = json_object();

	json_object_set_new(run, "id", json_integer(r->id));
	json_object_set_new(run, "job_name", report_json_str(r->job_name));
	json_object_set_new(run, "job_sha256", report_json_str(r->job_sha256));
	json_object_set_new(run, "job_path", report_json_str(r->job_path));
	json_object_set_new(run, "mode", report_json_str(r->mode));
	json_object_set_new(run, "workers", json_integer(r->workers));
	json_object_set_new(run, "launcher", report_json_str(r->launcher));
	json_object_set_new(run, "host", report_json_str(r->host));
	json_object_set_new(run, "fingerprint_id",
	    report_json_str(r->fingerprint_id));
	json_object_set_new(run, "fingerprint", json_incref(r->fingerprint));
	json_object_set_new(run, "workspace", report_json_str(r->workspace));
	json_object_set_new(run, "status", report_json_str(r->status));
	json_object_set_new(run, "started_at", report_json_real(r->started_at));
	json_object_set_new(run, "finished_at",
	    report_json_real(r->finished_at));
	json_object_set_new(run, "wall_s",
	    report_json_real(r->finished_at - r->started_at));
	json_object_set_new(run, "units_total", json_integer(r->units_total));
	json_object_set_new(run, "units_ok", json_integer(r->units_ok));
	json_object_set_new(run, "units_failed", json_integer(r->units_failed));
	json_object_set_new(run, "rank", json_incref(r->rank));
	return run;
}

/* The object of one test case. */
static json_t *
report_json_tc(const struct report_tc *tc)
{
	json_t *o = json_object();

	json_object_set_new(o, "rank", json_integer((json_int_t)tc->rank));
	json_object_set_new(o, "name", report_json_str(tc->name));
	json_object_set_new(o, "algorithm", report_json_str(tc->algorithm));
	json_object_set_new(o, "paradigm", report_json_str(tc->paradigm));
	json_object_set_new(o, "params", json_incref(tc->params));
	json_object_set_new(o, "metrics", json_incref(tc->metrics));
	json_object_set_new(o, "timing_metrics", json_incref(tc->timing));
	json_object_set_new(o, "units", json_integer((json_int_t)tc->units));
	json_object_set_new(o, "units_ok", json_integer((json_int_t)tc->ok));
	json_object_set_new(o, "units_failed",
	    json_integer((json_int_t)tc->bad));
	json_object_set_new(o, "units_skipped",
	    json_integer((json_int_t)tc->skipped));
	json_object_set_new(o, "wall_s", report_json_real(tc->wall_s));
	report_json_set_known(o, "peak_rss_kb", tc->peak_rss_kb);
	json_object_set_new(o, "peak_vram_mb",
	    report_json_real(tc->peak_vram_mb));
	return o;
}

/* The object of one unit; um holds every unit's metrics by id. */
static json_t *
report_json_unit(const struct report *r, const struct report_unit *u,
    json_t *um)
{
	json_t *o = json_object(), *m;
	char key[32];

	json_object_set_new(o, "id", json_integer(u->id));
	json_object_set_new(o, "testcase", report_json_str(r->tcs[u->tc].name));
	json_object_set_new(o, "key", report_json_str(u->key));
	json_object_set_new(o, "params", json_incref(r->tcs[u->tc].params));
	json_object_set_new(o, "part", json_integer(u->part));
	json_object_set_new(o, "nparts", json_integer(u->nparts));
	json_object_set_new(o, "rep", json_integer(u->rep));
	json_object_set_new(o, "status", report_json_str(u->status));
	json_object_set_new(o, "attempts", json_integer(u->attempts));
	report_json_set_known(o, "worker_slot", u->worker_slot);
	json_object_set_new(o, "started_at", report_json_real(u->started_at));
	json_object_set_new(o, "finished_at",
	    report_json_real(u->finished_at));
	json_object_set_new(o, "wall_s", report_json_real(u->wall_s));
	report_json_set_known(o, "maxrss_kb", u->maxrss_kb);
	json_object_set_new(o, "vram_peak_mb",
	    report_json_real(u->vram_peak_mb));
	report_json_set_known(o, "exit_code", u->exit_code);
	json_object_set_new(o, "signal", json_integer(u->signal));
	report_json_set_known(o, "co_running", u->co_running);
	json_object_set_new(o, "error", report_json_str(u->error));
	json_object_set_new(o, "log_path", report_json_str(u->log_path));
	snprintf(key, sizeof key, "%" PRId64, u->id);
	m = json_object_get(um, key);
	json_object_set_new(o, "metrics", m != NULL ? json_incref(m) :
	    json_object());
	return o;
}

/* The "peaks" object: the highest RSS and VRAM over the units. */
static json_t *
report_json_peaks(const struct report *r)
{
	const struct report_unit *u;
	json_t *o = json_object();
	long peak_rss = -1;
	double peak_vram = NAN;
	size_t i;

	for (i = 0; i < r->nunits; i++) {
		u = &r->units[i];
		if (u->maxrss_kb > peak_rss)
			peak_rss = u->maxrss_kb;
		if (!isnan(u->vram_peak_mb) && (isnan(peak_vram) ||
		    u->vram_peak_mb > peak_vram))
			peak_vram = u->vram_peak_mb;
	}
	report_json_set_known(o, "rss_kb", peak_rss);
	json_object_set_new(o, "vram_mb", report_json_real(peak_vram));
	return o;
}

/* The whole document; NULL with *cause on a database error. */
static json_t *
report_json_doc(struct report *r, char **cause)
{
	json_t *tcs, *units, *um, *samples, *stats;
	size_t i;

	if (runstats_load(r->st, r->id, &samples, cause) != 0)
		return NULL;
	um = json_object();
	if (store_unit_metrics_list(r->st, r->id, report_json_on_metric, um,
	    cause) != 0) {
		json_decref(um);
		json_decref(samples);
		return NULL;
	}
	tcs = json_array();
	for (i = 0; i < r->ntcs; i++)
		json_array_append_new(tcs,
		    report_json_tc(&r->tcs[r->ranked[i]]));
	units = json_array();
	for (i = 0; i < r->nunits; i++)
		json_array_append_new(units, report_json_unit(r, &r->units[i],
		    um));
	json_decref(um);
	stats = runstats_summary(samples);
	json_decref(samples);
	return json_pack("{s:i, s:o, s:o, s:o, s:o, s:o}", "schema", 1, "run",
	    report_json_run(r), "testcases", tcs, "units", units, "peaks",
	    report_json_peaks(r), "stats", stats);
}

/* Write the document. */
static int
report_json_write(struct report *r, const char *out, char **cause)
{
	json_t *doc;
	FILE *fp;
	int rc;

	if ((doc = report_json_doc(r, cause)) == NULL)
		return -1;
	if (report_open(out, &fp, cause) != 0) {
		json_decref(doc);
		return -1;
	}
	rc = json_dumpf(doc, fp, JSON_INDENT(1) | JSON_ENSURE_ASCII);
	json_decref(doc);
	fputc('\n', fp);
	if (rc != 0) {
		if (fp != stdout)
			fclose(fp);
		return err_set(cause, "cannot write JSON to '%s'",
		    out == NULL ? "-" : out);
	}
	return report_close(fp, out, cause);
}

const struct report_ops report_json_ops = { "json", report_json_write };
