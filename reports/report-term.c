/*
 * report-term: the ranked table of a stored run (term_summary, ranked by the
 * job's rank.sort_by with its selected metrics) followed by the run's
 * totals.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "report.h"
#include "term.h"
#include "banned.h"

/* Write the table and the totals. */
static int
report_term_write(struct report *r, const char *out, char **cause)
{
	json_t *sort_by, *names;
	FILE *fp;
	size_t i, bad = 0, skipped = 0, notrun = 0;
	char d[32], d2[32], date[32];
	double wall, busy = 0;

	if (report_open(out, &fp, cause) != 0)
		return -1;
	fprintf(fp, "run %" PRId64 " of job '%s': %s, %s, %d worker%s, "
	    "host %s, started %s\n\n", r->id, r->job_name, r->status, r->mode,
	    r->workers, r->workers == 1 ? "" : "s", r->host,
	    report_date(r->started_at, date, sizeof date));
	sort_by = json_object_get(r->rank, "sort_by");
	names = json_object_get(r->rank, "metrics");
	if (term_summary(fp, r->st, r->id, sort_by, names, cause) != 0) {
		if (fp != stdout)
			fclose(fp);
		return -1;
	}
	for (i = 0; i < r->nunits; i++) {
		const char *s = r->units[i].status;

		if (strcmp(s, "skipped") == 0)
			skipped++;
		else if (strcmp(s, "pending") == 0 ||
		    strcmp(s, "running") == 0)
			notrun++;
		else if (strcmp(s, "ok") != 0)
			bad++;
		if (!isnan(r->units[i].wall_s))
			busy += r->units[i].wall_s;
	}
	wall = r->finished_at - r->started_at;
	fprintf(fp, "\ntotal: %zu test case%s, %zu unit%s: %d ok, %zu failed, "
	    "%zu skipped, %zu not run; wall %s, unit time %s",
	    r->ntcs, r->ntcs == 1 ? "" : "s", r->nunits,
	    r->nunits == 1 ? "" : "s", r->units_ok, bad, skipped, notrun,
	    term_duration(wall, d, sizeof d),
	    term_duration(busy, d2, sizeof d2));
	if (!isnan(wall) && wall > 0 && r->workers > 0)
		fprintf(fp, ", utilization %.0f%%",
		    100.0 * busy / (wall * r->workers));
	fputc('\n', fp);
	return report_close(fp, out, cause);
}

const struct report_ops report_term_ops = { "term", report_term_write };
