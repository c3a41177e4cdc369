/*
 * cmd-runs: `bench runs`: the runs stored in a database, oldest first.
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cmd.h"
#include "session.h"
#include "job.h"
#include "runlock.h"
#include "store.h"
#include "term.h"
#include "banned.h"

#define CMD_RUNS_USAGE "[--db FILE | -f JOB] [--job NAME] [--format term|json]"

/* The labels of a run as "KEY=VALUE,KEY=VALUE" into buf; "-" none. */
static const char *
cmd_runs_labels(const char *text, char *buf, size_t len)
{
	json_t *l = text != NULL ? json_loads(text, 0, NULL) : NULL, *v;
	const char *key;
	size_t off = 0;
	int n;

	snprintf(buf, len, "-");
	json_object_foreach(l, key, v) {
		if (!json_is_string(v) || off >= len)
			continue;
		n = snprintf(buf + off, len - off, "%s%s=%s", off > 0 ? "," :
		    "", key, json_string_value(v));
		off += n > 0 ? (size_t)n : 0;
	}
	json_decref(l);
	return buf;
}

/* Print one run. */
static int
cmd_runs_row(const struct store_run_row *r, void *data)
{
	char when[32], d[32], labels[256];
	struct tm tm;
	time_t t = (time_t)r->started_at;

	localtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	printf("%5" PRId64 "  %-19s  %-20.20s  %-8s  %7d  %-11s  %5d  %5d  "
	    "%6d  %9s  %s\n", r->id, when, r->job_name, r->mode, r->workers,
	    runlock_status(data, r->id, r->workspace, r->status),
	    r->units_total, r->units_ok, r->units_failed,
	    isnan(r->finished_at) ? "-" : term_duration(r->finished_at -
	    r->started_at, d, sizeof d), cmd_runs_labels(r->labels, labels,
	    sizeof labels));
	return 0;
}

/* A real, or null when unknown (a running run's finished_at). */
static json_t *
cmd_runs_real(double v)
{
	return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

/* A string, or null; invalid UTF-8 reads as null. */
static json_t *
cmd_runs_str(const char *s)
{
	json_t *v = s != NULL ? json_string(s) : NULL;

	return v != NULL ? v : json_null();
}

/* What the JSON rows need: the store (for the status) and the array. */
struct cmd_runs_json {
	struct store	*st;
	json_t		*runs;
};

/* Append one run to the array. */
static int
cmd_runs_json_row(const struct store_run_row *r, void *data)
{
	struct cmd_runs_json *c = data;
	json_t *o = json_object(), *labels;

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "job", cmd_runs_str(r->job_name));
	json_object_set_new(o, "status", cmd_runs_str(runlock_status(c->st,
	    r->id, r->workspace, r->status)));
	json_object_set_new(o, "mode", cmd_runs_str(r->mode));
	json_object_set_new(o, "workers", json_integer(r->workers));
	json_object_set_new(o, "launcher", cmd_runs_str(r->launcher));
	json_object_set_new(o, "host", cmd_runs_str(r->host));
	json_object_set_new(o, "started_at", cmd_runs_real(r->started_at));
	json_object_set_new(o, "finished_at", cmd_runs_real(r->finished_at));
	json_object_set_new(o, "units_total", json_integer(r->units_total));
	json_object_set_new(o, "units_ok", json_integer(r->units_ok));
	json_object_set_new(o, "units_failed", json_integer(r->units_failed));
	labels = r->labels != NULL ? json_loads(r->labels, 0, NULL) : NULL;
	if (json_is_object(labels))
		json_object_set_new(o, "labels", labels);
	else
		json_decref(labels);
	json_array_append_new(c->runs, o);
	return 0;
}

/* Print the runs of st (of job name, NULL all) as a JSON array. */
static int
cmd_runs_json(struct store *st, const char *name, char **cause)
{
	struct cmd_runs_json c = { .st = st, .runs = json_array() };
	int rc;

	rc = store_runs_list(st, name, cmd_runs_json_row, &c, cause);
	if (rc == 0) {
		json_dumpf(c.runs, stdout, JSON_INDENT(1) | JSON_ENSURE_ASCII);
		fputc('\n', stdout);
	}
	json_decref(c.runs);
	return rc;
}

/* Print the runs of st as the table. */
static int
cmd_runs_term(struct store *st, const char *name, char **cause)
{
	printf("%5s  %-19s  %-20s  %-8s  %7s  %-11s  %5s  %5s  %6s  %9s  %s\n",
	    "run", "started", "job", "mode", "workers", "status", "units",
	    "ok", "failed", "time", "labels");
	return store_runs_list(st, name, cmd_runs_row, st, cause);
}

/* List runs. */
static int
cmd_runs_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "file", required_argument, NULL, 'f' },
		{ "job", required_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dbopt = NULL, *file = NULL, *name = NULL;
	struct job *job = NULL;
	struct store *st = NULL;
	char *cause = NULL, *db;
	int c, json = 0, rc = CMD_EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "d:f:j:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'F':
			if (strcmp(optarg, "json") != 0 &&
			    strcmp(optarg, "term") != 0) {
				fprintf(stderr, "bench runs: --format: unknown "
				    "'%s' (use term or json)\n", optarg);
				return CMD_EXIT_USAGE;
			}
			json = strcmp(optarg, "json") == 0;
			break;
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
			    "./workspace/bench.db).\n--format json prints "
			    "an array of runs (id, job, status, mode,\n"
			    "workers, started_at, finished_at, unit counts, "
			    "labels).\n", CMD_RUNS_USAGE);
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
	if ((json ? cmd_runs_json(st, name, &cause) :
	    cmd_runs_term(st, name, &cause)) != 0) {
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
