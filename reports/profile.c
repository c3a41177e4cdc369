/*
 * profile: the table of `bench profile` (profile.h). Owns nothing: it
 * reads the caller's rows and writes to a FILE.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

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
