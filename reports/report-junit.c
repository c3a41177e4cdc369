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

/* The totals of the <testsuite> attributes. */
struct junit_counts {
	size_t	 failures, errors, skipped;
	double	 total;		/* sum of the known unit wall times */
};

/* 1 when a unit of this status did not run to an end: skipped,
   pending or running. */
static int
junit_not_run(const char *status)
{
	return strcmp(status, "skipped") == 0 ||
	    strcmp(status, "pending") == 0 || strcmp(status, "running") == 0;
}

/* Count the units by outcome. */
static void
junit_count(const struct report *r, struct junit_counts *c)
{
	const struct report_unit *u;
	size_t i;

	memset(c, 0, sizeof *c);
	for (i = 0; i < r->nunits; i++) {
		u = &r->units[i];
		if (strcmp(u->status, "ok") == 0)
			;
		else if (strcmp(u->status, "failed") == 0)
			c->failures++;
		else if (junit_not_run(u->status))
			c->skipped++;
		else
			c->errors++;
		if (!isnan(u->wall_s))
			c->total += u->wall_s;
	}
}

/* The XML declaration, <testsuites>, <testsuite> and its properties. */
static void
junit_header(FILE *fp, const struct report *r, const struct junit_counts *c)
{
	char date[32];

	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<testsuites name=\"bench\" tests=\"%zu\" failures=\"%zu\" "
	    "errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
	    r->nunits, c->failures, c->errors, c->skipped, c->total);
	fputs("<testsuite name=\"", fp);
	report_esc(fp, r->job_name);
	snprintf(date, sizeof date, "-");
	if (!isnan(r->started_at))
		report_date(r->started_at, date, sizeof date);
	if (strlen(date) == 19)
		date[10] = 'T';
	fprintf(fp, "\" id=\"%" PRId64 "\" tests=\"%zu\" failures=\"%zu\" "
	    "errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\" timestamp=\"%s\" "
	    "hostname=\"", r->id, r->nunits, c->failures, c->errors,
	    c->skipped, isnan(r->finished_at - r->started_at) ? 0 :
	    r->finished_at - r->started_at, date);
	report_esc(fp, r->host);
	fputs("\">\n<properties>\n", fp);
	fprintf(fp, "<property name=\"mode\" value=\"%s\"/>\n"
	    "<property name=\"workers\" value=\"%d\"/>\n", r->mode,
	    r->workers);
	fputs("<property name=\"job_sha256\" value=\"", fp);
	report_esc(fp, r->job_sha256);
	fputs("\"/>\n</properties>\n", fp);
}

/* The <failure> or <error> of a unit that did not end ok: its error and
   the tail of its log. */
static void
junit_problem(FILE *fp, const struct report_unit *u)
{
	const char *kind;
	char *tail;

	kind = strcmp(u->status, "failed") == 0 ? "failure" : "error";
	fprintf(fp, "<%s type=\"%s\" message=\"", kind, u->status);
	if (u->error != NULL)
		report_esc(fp, u->error);
	else if (u->signal > 0)
		fprintf(fp, "killed by signal %d", u->signal);
	else
		fprintf(fp, "%s, exit code %d", u->status, u->exit_code);
	fputs("\">", fp);
	tail = report_log_tail(u->log_path, JUNIT_TAIL_LINES,
	    JUNIT_TAIL_BYTES);
	if (tail != NULL)
		report_esc(fp, tail);
	else
		fputs("(no log)", fp);
	free(tail);
	fprintf(fp, "</%s>\n", kind);
}

/* The <testcase> of one unit. */
static void
junit_unit(FILE *fp, const struct report *r, const struct report_unit *u)
{
	const struct report_tc *tc = &r->tcs[u->tc];

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
	fprintf(fp, "\" time=\"%.3f\"", isnan(u->wall_s) ? 0 : u->wall_s);
	if (strcmp(u->status, "ok") == 0) {
		fputs("/>\n", fp);
		return;
	}
	fputs(">\n", fp);
	if (junit_not_run(u->status))
		fprintf(fp, "<skipped message=\"%s\"/>\n",
		    strcmp(u->status, "skipped") == 0 ? "skipped" : "not run");
	else
		junit_problem(fp, u);
	fputs("</testcase>\n", fp);
}

/* Write the document. */
static int
report_junit_write(struct report *r, const char *out, char **cause)
{
	struct junit_counts c;
	FILE *fp;
	size_t i;

	junit_count(r, &c);
	if (report_open(out, &fp, cause) != 0)
		return -1;
	junit_header(fp, r, &c);
	for (i = 0; i < r->nunits; i++)
		junit_unit(fp, r, &r->units[i]);
	fputs("</testsuite>\n</testsuites>\n", fp);
	return report_close(fp, out, cause);
}

const struct report_ops report_junit_ops = { "junit", report_junit_write };
