/*
 * profile: the table of `bench profile` (profile.h). Owns nothing: it
 * reads the caller's rows and writes to a FILE.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "profile.h"
#include "banned.h"

/* Write v with fmt, or "-" when NAN, right-aligned in width. */
static void
profile_cell(FILE *fp, const char *fmt, double v, int width)
{
	char buf[64];

	if (isnan(v))
		snprintf(buf, sizeof buf, "-");
	else
		snprintf(buf, sizeof buf, fmt, v);
	fprintf(fp, " %*s", width, buf);
}

/* The title, the table and the safe worker count. */
void
profile_print(FILE *fp, const char *file, int64_t run_id,
    const char *host, const struct profile_row *rows, size_t n,
    const char *safe_line)
{
	const struct profile_row *r;
	size_t i, w = 8;

	fprintf(fp, "\nprofile: %s (run %" PRId64 ", host %s)\n\n", file,
	    run_id, host);
	for (i = 0; i < n; i++) {
		if (strlen(rows[i].name) > w)
			w = strlen(rows[i].name);
	}
	fprintf(fp, "%-*s %12s %13s %9s  %s\n", (int)w, "testcase",
	    "peak_rss_MiB", "peak_vram_MiB", "wall_s", "status");
	for (i = 0; i < n; i++) {
		r = &rows[i];
		fprintf(fp, "%-*s", (int)w, r->name);
		profile_cell(fp, "%.1f", r->peak_rss_kb >= 0 ?
		    (double)r->peak_rss_kb / 1024.0 : NAN, 12);
		profile_cell(fp, "%.1f", r->peak_vram_mb, 13);
		profile_cell(fp, "%.3f", r->wall_s, 9);
		fprintf(fp, "  %s\n", r->status);
	}
	fprintf(fp, "\nsafe workers: %s\n", safe_line);
}

/* A string, or null (NULL, invalid UTF-8). */
static json_t *
profile_str(const char *s)
{
	json_t *v = s != NULL ? json_string(s) : NULL;

	return v != NULL ? v : json_null();
}

/* A real, or null when NAN. */
static json_t *
profile_real(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

/* The document of profile_print as JSON. */
void
profile_print_json(FILE *fp, const char *file, int64_t run_id,
    const char *host, const struct profile_row *rows, size_t n,
    unsigned safe_workers, const char *safe_limit, const char *safe_line)
{
	json_t *doc = json_object(), *tcs = json_array(), *o, *safe;
	size_t i;

	for (i = 0; i < n; i++) {
		o = json_object();
		json_object_set_new(o, "name", profile_str(rows[i].name));
		json_object_set_new(o, "peak_rss_kb", rows[i].peak_rss_kb < 0 ?
		    json_null() : json_integer(rows[i].peak_rss_kb));
		json_object_set_new(o, "peak_vram_mb",
		    profile_real(rows[i].peak_vram_mb));
		json_object_set_new(o, "wall_s", profile_real(rows[i].wall_s));
		json_object_set_new(o, "status", profile_str(rows[i].status));
		json_array_append_new(tcs, o);
	}
	safe = json_object();
	json_object_set_new(safe, "workers", json_integer(safe_workers));
	json_object_set_new(safe, "limit", profile_str(safe_limit));
	json_object_set_new(safe, "line", profile_str(safe_line));
	json_object_set_new(doc, "file", profile_str(file));
	json_object_set_new(doc, "run", json_integer(run_id));
	json_object_set_new(doc, "host", profile_str(host));
	json_object_set_new(doc, "testcases", tcs);
	json_object_set_new(doc, "safe", safe);
	json_dumpf(doc, fp, JSON_INDENT(1) | JSON_ENSURE_ASCII);
	fputc('\n', fp);
	json_decref(doc);
}
