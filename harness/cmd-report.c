/*
 * cmd-report: `bench report [RUN|--last] [--db FILE | -f JOB] --format F
 * [-o FILE]`: render a stored run from the database (reports/).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "job.h"
#include "report.h"
#include "store.h"
#include "banned.h"

#define CMD_REPORT_USAGE "[RUN|--last] [--db FILE | -f JOB] " \
	"--format term|html|json|csv|junit [-o FILE]"

/* Parse a run id. */
static int
cmd_report_id(const char *s, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v <= 0)
		return -1;
	*out = v;
	return 0;
}

/* The report command. */
static int
cmd_report_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "file", required_argument, NULL, 'f' },
		{ "format", required_argument, NULL, 'F' },
		{ "output", required_argument, NULL, 'o' },
		{ "last", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dbopt = NULL, *file = NULL, *format = NULL, *out = NULL;
	struct job *job = NULL;
	struct store *st = NULL;
	char *db = NULL, *cause = NULL;
	int64_t run_id = 0;
	int c, rc = CMD_EXIT_USAGE;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dbopt = optarg;
			break;
		case 'f':
			file = optarg;
			break;
		case 'F':
			format = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'l':
			run_id = 0;
			break;
		case 'h':
			printf("usage: bench report %s\n", CMD_REPORT_USAGE);
			return CMD_EXIT_OK;
		default:
			return cmd_usage(&cmd_report_entry);
		}
	}
	if (optind < argc) {
		if (optind + 1 < argc ||
		    cmd_report_id(argv[optind], &run_id) != 0) {
			fprintf(stderr, "bench: report: bad run id '%s'\n",
			    argv[optind]);
			return CMD_EXIT_USAGE;
		}
	}
	if (format == NULL) {
		fprintf(stderr, "bench: report: no --format (%s)\n",
		    report_names());
		return CMD_EXIT_USAGE;
	}
	if (report_find(format) == NULL) {
		fprintf(stderr, "bench: report: unknown format '%s' (use %s)\n",
		    format, report_names());
		return CMD_EXIT_USAGE;
	}
	if (file != NULL && job_load(file, &job, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return CMD_EXIT_USAGE;
	}
	db = cmd_db_path(dbopt, job);
	if (access(db, F_OK) != 0) {
		fprintf(stderr, "bench: report: no database '%s'\n", db);
		rc = CMD_EXIT_ENV;
		goto out;
	}
	if (store_open(db, &st, &cause) != 0) {
		fprintf(stderr, "bench: %s\n", cause);
		rc = CMD_EXIT_ENV;
		goto out;
	}
	if (run_id == 0) {
		if (store_last_run(st, job != NULL ? job_name(job) : NULL,
		    &run_id, &cause) != 0) {
			fprintf(stderr, "bench: %s\n", cause);
			rc = CMD_EXIT_ENV;
			goto out;
		}
		if (run_id == 0) {
			fprintf(stderr, "bench: report: no run in '%s'\n", db);
			rc = CMD_EXIT_ENV;
			goto out;
		}
	}
	if (report_write(st, run_id, format, out, &cause) != 0) {
		fprintf(stderr, "bench: report: %s\n", cause);
		rc = CMD_EXIT_ENV;
		goto out;
	}
	rc = CMD_EXIT_OK;
out:
	free(cause);
	free(db);
	store_close(st);
	job_free(job);
	return rc;
}

const struct cmd_entry cmd_report_entry = {
	"report", CMD_REPORT_USAGE,
	"render a stored run: terminal table, HTML, JSON, CSV, JUnit",
	cmd_report_exec,
};
