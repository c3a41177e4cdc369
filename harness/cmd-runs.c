/*
 * cmd-runs: `bench runs`: the runs stored in a database, oldest first.
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cmd.h"
#include "session.h"
#include "job.h"
#include "runlock.h"
#include "store.h"
#include "term.h"
#include "banned.h"

#define CMD_RUNS_USAGE "[--db FILE | -f JOB] [--job NAME]"

/* Print one run. */
static int
cmd_runs_row(const struct store_run_row *r, void *data)
{
	char when[32], d[32];
	struct tm tm;
	time_t t = (time_t)r->started_at;

	localtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	printf("%5" PRId64 "  %-19s  %-20.20s  %-8s  %7d  %-11s  %5d  %5d  "
	    "%6d  %9s\n", r->id, when, r->job_name, r->mode, r->workers,
	    runlock_status(data, r->id, r->workspace, r->status), r->units_total, r->units_ok, r->units_failed,
	    isnan(r->finished_at) ? "-" : term_duration(r->finished_at -
	    r->started_at, d, sizeof d));
	return 0;
}

/* List runs. */
static int
cmd_runs_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "file", required_argument, NULL, 'f' },
		{ "job", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dbopt = NULL, *file = NULL, *name = NULL;
	struct job *job = NULL;
	struct store *st = NULL;
	char *cause = NULL, *db;
	int c, rc = CMD_EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "d:f:j:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dbopt = optarg;
			break;
		case 'f':
			file = optarg;
			break;
		case 'j':
			name = optarg;
			break;
		case 'h':
			printf("usage: bench runs %s\n\nList the runs in the "
			    "database (--db, or the job's, or "
			    "./workspace/bench.db).\n", CMD_RUNS_USAGE);
			return CMD_EXIT_OK;
		default:
			return cmd_usage(&cmd_runs_entry);
		}
	}
	if (optind < argc)
		return cmd_usage(&cmd_runs_entry);
	if (file != NULL && job_load(file, &job, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return CMD_EXIT_USAGE;
	}
	db = session_db_path(dbopt, job);
	if ((rc = cmd_open_db("runs", db, &st)) != CMD_EXIT_OK)
		goto out;
	printf("%5s  %-19s  %-20s  %-8s  %7s  %-11s  %5s  %5s  %6s  %9s\n",
	    "run", "started", "job", "mode", "workers", "status", "units",
	    "ok", "failed", "time");
	if (store_runs_list(st, name, cmd_runs_row, st, &cause) != 0) {
		fprintf(stderr, "bench: %s\n", cause);
		rc = CMD_EXIT_ENV;
	}
out:
	free(cause);
	free(db);
	store_close(st);
	job_free(job);
	return rc;
}

const struct cmd_entry cmd_runs_entry = {
	"runs", CMD_RUNS_USAGE, "the runs stored in the database",
	cmd_runs_exec,
};
