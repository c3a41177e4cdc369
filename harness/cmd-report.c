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
#include "session.h"
#include "job.h"
#include "report.h"
#include "store.h"
#include "banned.h"

#define CMD_REPORT_USAGE "[RUN|--last] [--db FILE | -f JOB] " \
	"--format term|html|json|csv|junit|md [-o FILE]"

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

/* What the command line asks for. */
struct cmd_report_args {
	const char	*dbopt, *file, *format, *out;
	int64_t		 run_id;	/* 0: the last run */
};

/* Parse the command line into *a: -1 to go on, else the exit code. */
static int
cmd_report_options(int argc, char **argv, struct cmd_report_args *a)
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
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			a->dbopt = optarg;
			break;
		case 'f':
			a->file = optarg;
			break;
		case 'F':
			a->format = optarg;
			break;
		case 'o':
			a->out = optarg;
			break;
		case 'l':
			a->run_id = 0;
			break;
		case 'h':
			printf("usage: bench report %s\n", CMD_REPORT_USAGE);
			return CMD_EXIT_OK;
		default:
			return cmd_usage(&cmd_report_entry);
		}
	}
	return -1;
}

/* Check the run id operand and the format: -1 when good, else the exit
   code. */
static int
cmd_report_check(int argc, char **argv, struct cmd_report_args *a)
{
	if (optind < argc) {
		if (optind + 1 < argc ||
		    cmd_report_id(argv[optind], &a->run_id) != 0) {
			fprintf(stderr, "bench: report: bad run id '%s'\n",
			    argv[optind]);
			return CMD_EXIT_USAGE;
		}
	}
	if (a->format == NULL) {
		fprintf(stderr, "bench: report: no --format (%s)\n",
		    report_names());
		return CMD_EXIT_USAGE;
	}
	if (report_find(a->format) == NULL) {
		fprintf(stderr, "bench: report: unknown format '%s' (use %s)\n",
		    a->format, report_names());
		return CMD_EXIT_USAGE;
	}
	return -1;
}

/* The last run of the job (or of any job) in st into *run_id; prints why
   and returns -1 when there is none. */
static int
cmd_report_last(struct store *st, const struct job *job, const char *db,
    int64_t *run_id)
{
	char *cause = NULL;

	if (store_last_run(st, job != NULL ? job_name(job) : NULL, run_id,
	    &cause) != 0) {
		fprintf(stderr, "bench: %s\n", cause);
		free(cause);
		return -1;
	}
	if (*run_id == 0) {
		fprintf(stderr, "bench: report: no run in '%s'\n", db);
		return -1;
	}
	return 0;
}

/* Open the database of the command and write the report. */
static int
cmd_report_db(const struct cmd_report_args *a, const struct job *job)
{
	struct store *st = NULL;
	char *db, *cause = NULL;
	int64_t run_id = a->run_id;
	int rc = CMD_EXIT_ENV;

	db = session_db_path(a->dbopt, job);
	if ((rc = cmd_open_db("report", db, &st)) != CMD_EXIT_OK)
		goto out;
	rc = CMD_EXIT_ENV;
	if (run_id == 0 && cmd_report_last(st, job, db, &run_id) != 0)
		goto out;
	if (a->run_id != 0 && (rc = cmd_check_run("report", st, db,
	    run_id)) != CMD_EXIT_OK)
		goto out;
	rc = CMD_EXIT_ENV;
	if (report_write(st, run_id, a->format, a->out, &cause) != 0) {
		fprintf(stderr, "bench: report: %s\n", cause);
		goto out;
	}
	rc = CMD_EXIT_OK;
out:
	free(cause);
	free(db);
	store_close(st);
	return rc;
}

/* The report command. */
static int
cmd_report_exec(int argc, char **argv)
{
	struct cmd_report_args a = { NULL, NULL, NULL, NULL, 0 };
	struct job *job = NULL;
	char *cause = NULL;
	int rc;

	if ((rc = cmd_report_options(argc, argv, &a)) >= 0 ||
	    (rc = cmd_report_check(argc, argv, &a)) >= 0)
		return rc;
	if (a.file != NULL && job_load(a.file, &job, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return CMD_EXIT_USAGE;
	}
	rc = cmd_report_db(&a, job);
	job_free(job);
	return rc;
}

const struct cmd_entry cmd_report_entry = {
	"report", CMD_REPORT_USAGE,
	"render a stored run: terminal table, HTML, JSON, CSV, JUnit, Markdown",
	cmd_report_exec,
};
