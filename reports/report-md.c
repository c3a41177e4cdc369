/*
 * report-md: a stored run as GitHub-flavoured Markdown, to paste in a pull
 * request or append to a CI step summary ($GITHUB_STEP_SUMMARY): the run,
 * its totals, the ranked table (status word, the job's metric columns,
 * wall time, peak RSS) and the units that did not end ok or skipped, each
 * with its error and the last lines of its log. Owns nothing but the
 * FILE it writes.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report.h"
#include "term.h"
#include "banned.h"

#define MD_TAIL_LINES	20
#define MD_TAIL_BYTES	4096
#define MD_MAX_FAILURES	50

/*
 * Write s as the text of a table cell: | escaped, the characters HTML
 * would read (< > &) as entities, a backtick escaped, control characters
 * (newlines too) as spaces. NULL writes nothing.
 */
static void
md_cell(FILE *fp, const char *s)
{
	const unsigned char *p;

	if (s == NULL)
		return;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '|':
		case '`':
		case '*':
		case '_':
		case '[':
		case ']':
		case '\\':
			fputc('\\', fp);
			fputc(*p, fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '&':
			fputs("&amp;", fp);
			break;
		default:
			fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p, fp);
			break;
		}
	}
}

/* Whether a unit status is a bad end (neither ok, skipped nor not run). */
static int
md_bad(const char *status)
{
	return strcmp(status, "ok") != 0 && strcmp(status, "skipped") != 0 &&
	    strcmp(status, "pending") != 0 && strcmp(status, "running") != 0;
}

/* A test case's status word: its first bad unit's status (with "k/n"
   when only some were bad), else ok, skipped, ok+skip or not run. */
static const char *
md_tc_status(const struct report *r, size_t tc, char *buf, size_t len)
{
	const struct report_tc *t = &r->tcs[tc];
	size_t i;

	if (t->bad > 0) {
		for (i = 0; i < r->nunits; i++) {
			if (r->units[i].tc == tc && md_bad(r->units[i].status))
				break;
		}
		if (t->bad == t->units)
			snprintf(buf, len, "%s", r->units[i].status);
		else
			snprintf(buf, len, "%s %zu/%zu", r->units[i].status,
			    t->bad, t->units);
		return buf;
	}
	if (t->ok == t->units)
		return "ok";
	if (t->ok + t->skipped == t->units)
		return t->ok > 0 ? "ok+skip" : "skipped";
	return "not run";
}

/* The heading and the run's facts. */
static void
md_head(FILE *fp, const struct report *r)
{
	size_t i, bad = 0, skipped = 0, notrun = 0;
	char d[32], date[32];

	for (i = 0; i < r->nunits; i++) {
		if (strcmp(r->units[i].status, "skipped") == 0)
			skipped++;
		else if (!md_bad(r->units[i].status) &&
		    strcmp(r->units[i].status, "ok") != 0)
			notrun++;
		else if (md_bad(r->units[i].status))
			bad++;
	}
	fprintf(fp, "## bench: run %" PRId64 " of ", r->id);
	md_cell(fp, r->job_name);
	fprintf(fp, ": %s %s\n\n", bad > 0 ? ":x:" : ":white_check_mark:",
	    r->status);
	fputs("| | |\n|---|---|\n| job | ", fp);
	md_cell(fp, r->job_name);
	if (r->job_path[0] != '\0') {
		fputs(" (", fp);
		md_cell(fp, r->job_path);
		fputc(')', fp);
	}
	fprintf(fp, " |\n| mode | %s, %d worker%s |\n| host | ", r->mode,
	    r->workers, r->workers == 1 ? "" : "s");
	md_cell(fp, r->host);
	fprintf(fp, " |\n| started | %s |\n| wall | %s |\n",
	    report_date(r->started_at, date, sizeof date),
	    term_duration(r->finished_at - r->started_at, d, sizeof d));
	fprintf(fp, "| units | %zu test case%s, %zu unit%s: %d ok, %zu "
	    "failed, %zu skipped, %zu not run |\n\n", r->ntcs,
	    r->ntcs == 1 ? "" : "s", r->nunits, r->nunits == 1 ? "" : "s",
	    r->units_ok, bad, skipped, notrun);
}

/* The ranked table: one row per test case, best first. */
static void
md_table(FILE *fp, const struct report *r)
{
	const struct report_tc *t;
	json_t *name;
	size_t i, j;
	char buf[64];

	fputs("### Ranking\n\n| rank | test case | status |", fp);
	json_array_foreach(r->columns, j, name) {
		fputc(' ', fp);
		md_cell(fp, json_string_value(name));
		fputs(" |", fp);
	}
	fputs(" wall | peak RSS MiB |\n|---:|---|---|", fp);
	for (j = 0; j < json_array_size(r->columns); j++)
		fputs("---:|", fp);
	fputs("---:|---:|\n", fp);
	for (i = 0; i < r->ntcs; i++) {
		t = &r->tcs[r->ranked[i]];
		fprintf(fp, "| %zu | ", t->rank);
		md_cell(fp, t->name);
		fprintf(fp, " | %s |", md_tc_status(r, r->ranked[i], buf,
		    sizeof buf));
		json_array_foreach(r->columns, j, name) {
			json_t *v = json_object_get(t->metrics,
			    json_string_value(name));

			fprintf(fp, " %s |", report_num(v != NULL ?
			    json_real_value(v) : NAN, buf, sizeof buf));
		}
		fprintf(fp, " %s |", term_duration(t->wall_s, buf,
		    sizeof buf));
		if (t->peak_rss_kb >= 0)
			fprintf(fp, " %.1f |\n", (double)t->peak_rss_kb /
			    1024.0);
		else
			fputs(" - |\n", fp);
	}
	fputc('\n', fp);
}

/* The longest run of backticks in s, so a fence can be longer. */
static size_t
md_ticks(const char *s)
{
	size_t n = 0, best = 0;

	for (; *s != '\0'; s++) {
		n = *s == '`' ? n + 1 : 0;
		if (n > best)
			best = n;
	}
	return best;
}

/* Write a log tail inside a fence longer than any backtick run in it,
   control characters (but tab and newline) as '?'. */
static void
md_fence(FILE *fp, const char *tail)
{
	size_t i, n = md_ticks(tail) + 1;
	const unsigned char *p;

	if (n < 3)
		n = 3;
	for (i = 0; i < n; i++)
		fputc('`', fp);
	fputs("text\n", fp);
	for (p = (const unsigned char *)tail; *p != '\0'; p++)
		fputc((*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f ?
		    '?' : *p, fp);
	if (p != (const unsigned char *)tail && p[-1] != '\n')
		fputc('\n', fp);
	for (i = 0; i < n; i++)
		fputc('`', fp);
	fputc('\n', fp);
}

/* One bad unit: status, error, log path, the tail of its log folded. */
static void
md_failure(FILE *fp, const struct report *r, const struct report_unit *u)
{
	char *tail;

	fputs("<details><summary><code>", fp);
	report_esc(fp, r->tcs[u->tc].name);
	fprintf(fp, "</code> (unit %" PRId64 ", part %u, rep %u): <b>%s</b>",
	    u->id, u->part, u->rep, u->status);
	if (u->error != NULL && u->error[0] != '\0') {
		fputs(": ", fp);
		report_esc(fp, u->error);
	}
	fputs("</summary>\n\n", fp);
	if (u->log_path != NULL) {
		fputs("log: <code>", fp);
		report_esc(fp, u->log_path);
		fputs("</code>\n\n", fp);
		tail = report_log_tail(u->log_path, MD_TAIL_LINES,
		    MD_TAIL_BYTES);
		if (tail != NULL && tail[0] != '\0')
			md_fence(fp, tail);
		free(tail);
	}
	fputs("\n</details>\n\n", fp);
}

/* The units that ended badly, at most MD_MAX_FAILURES of them. */
static void
md_failures(FILE *fp, const struct report *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->nunits; i++) {
		if (!md_bad(r->units[i].status))
			continue;
		if (n == 0)
			fputs("### Failures\n\n", fp);
		if (++n <= MD_MAX_FAILURES)
			md_failure(fp, r, &r->units[i]);
	}
	if (n > MD_MAX_FAILURES)
		fprintf(fp, "... and %zu more (`bench report %" PRId64
		    " --format term`)\n", n - MD_MAX_FAILURES, r->id);
}

/* Write the summary. */
static int
report_md_write(struct report *r, const char *out, char **cause)
{
	FILE *fp;

	if (report_open(out, &fp, cause) != 0)
		return -1;
	md_head(fp, r);
	md_table(fp, r);
	md_failures(fp, r);
	return report_close(fp, out, cause);
}

const struct report_ops report_md_ops = { "md", report_md_write };
