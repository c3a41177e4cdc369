/*
 * report-junit: JUnit XML for CI systems: one <testsuite> per run, one
 * <testcase> per unit; failed units carry the last lines of their log,
 * escaped (invalid UTF-8 and control characters replaced).
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "banned.h"

#define JUNIT_TAIL_LINES	40
#define JUNIT_TAIL_BYTES	8192

/* Write the document. */
static int
report_junit_write(struct report *r, const char *out, char **cause)
{
	struct report_unit *u;
	struct report_tc *tc;
	FILE *fp;
	size_t i, failures = 0, errors = 0, skipped = 0;
	char date[32], *tail;
	const char *kind;
	double total = 0;

	for (i = 0; i < r->nunits; i++) {
		u = &r->units[i];
		if (strcmp(u->status, "ok") == 0)
			;
		else if (strcmp(u->status, "failed") == 0)
			failures++;
		else if (strcmp(u->status, "skipped") == 0 ||
		    strcmp(u->status, "pending") == 0 ||
		    strcmp(u->status, "running") == 0)
			skipped++;
		else
			errors++;
		if (!isnan(u->wall_s))
			total += u->wall_s;
	}
	if (report_open(out, &fp, cause) != 0)
		return -1;
	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<testsuites name=\"bench\" tests=\"%zu\" failures=\"%zu\" "
	    "errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
	    r->nunits, failures, errors, skipped, total);
	fputs("<testsuite name=\"", fp);
	report_esc(fp, r->job_name);
	snprintf(date, sizeof date, "-");
	if (!isnan(r->started_at))
		report_date(r->started_at, date, sizeof date);
	if (strlen(date) == 19)
		date[10] = 'T';
	fprintf(fp, "\" id=\"%" PRId64 "\" tests=\"%zu\" failures=\"%zu\" "
	    "errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\" timestamp=\"%s\" "
	    "hostname=\"", r->id, r->nunits, failures, errors, skipped,
	    isnan(r->finished_at - r->started_at) ? 0 :
	    r->finished_at - r->started_at, date);
	report_esc(fp, r->host);
	fputs("\">\n<properties>\n", fp);
	fprintf(fp, "<property name=\"mode\" value=\"%s\"/>\n"
	    "<property name=\"workers\" value=\"%d\"/>\n", r->mode,
	    r->workers);
	fputs("<property name=\"job_sha256\" value=\"", fp);
	report_esc(fp, r->job_sha256);
	fputs("\"/>\n</properties>\n", fp);
	for (i = 0; i < r->nunits; i++) {
		u = &r->units[i];
		tc = &r->tcs[u->tc];
		fputs("<testcase classname=\"", fp);
		report_esc(fp, r->job_name);
		fputs(".", fp);
		report_esc(fp, tc->algorithm);
		fputs("\" name=\"", fp);
		report_esc(fp, tc->name);
		if (u->nparts > 1)
			fprintf(fp, " part %u/%u", u->part + 1, u->nparts);
		if (u->rep > 0)
			fprintf(fp, " rep %u", u->rep);
		fprintf(fp, "\" time=\"%.3f\"", isnan(u->wall_s) ? 0 :
		    u->wall_s);
		if (strcmp(u->status, "ok") == 0) {
			fputs("/>\n", fp);
			continue;
		}
		fputs(">\n", fp);
		if (strcmp(u->status, "skipped") == 0 ||
		    strcmp(u->status, "pending") == 0 ||
		    strcmp(u->status, "running") == 0) {
			fprintf(fp, "<skipped message=\"%s\"/>\n</testcase>\n",
			    strcmp(u->status, "skipped") == 0 ? "skipped" :
			    "not run");
			continue;
		}
		kind = strcmp(u->status, "failed") == 0 ? "failure" : "error";
		fprintf(fp, "<%s type=\"%s\" message=\"", kind, u->status);
		if (u->error != NULL)
			report_esc(fp, u->error);
		else if (u->signal > 0)
			fprintf(fp, "killed by signal %d", u->signal);
		else
			fprintf(fp, "%s, exit code %d", u->status,
			    u->exit_code);
		fputs("\">", fp);
		tail = report_log_tail(u->log_path, JUNIT_TAIL_LINES,
		    JUNIT_TAIL_BYTES);
		if (tail != NULL)
			report_esc(fp, tail);
		else
			fputs("(no log)", fp);
		free(tail);
		fprintf(fp, "</%s>\n</testcase>\n", kind);
	}
	fputs("</testsuite>\n</testsuites>\n", fp);
	return report_close(fp, out, cause);
}

const struct report_ops report_junit_ops = { "junit", report_junit_write };
