/*
 * cmd-compare: `bench compare A B`: the performance change from run A to
 * run B per test case and metric, with its interval and a verdict
 * (reports/compare.h). A and B are run ids or labels KEY=VALUE (the newest
 * run carrying it); --last takes the two newest runs. Exit 1 when
 * something got slower or worse beyond the threshold.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "compare.h"
#include "err.h"
#include "job.h"
#include "session.h"
#include "store.h"
#include "xalloc.h"
#include "banned.h"

#define CMD_COMPARE_USAGE "[--db FILE | -f JOB] [--threshold PCT] " \
	"[--format term|json|md|html] [--force] (A B | --last)"

/* What the run walk looks for and finds. */
struct cmd_compare_find {
	const char	*job;		/* NULL any */
	const char	*key, *value;	/* a label; NULL: any run */
	int64_t		 ids[2];	/* the two newest matches, newest first */
	char		 fp[2][72];	/* their fingerprint ids */
};

/* A run: keep it when it matches, newest first. */
static int
cmd_compare_row(const struct store_run_row *r, void *data)
{
	struct cmd_compare_find *f = data;
	json_t *labels, *v;
	int match = 1;

	if (f->key != NULL) {
		labels = r->labels != NULL ? json_loads(r->labels, 0, NULL) :
		    NULL;
		v = json_object_get(labels, f->key);
		match = json_is_string(v) && strcmp(json_string_value(v),
		    f->value) == 0;
		json_decref(labels);
	}
	if (!match)
		return 0;
	f->ids[1] = f->ids[0];
	memcpy(f->fp[1], f->fp[0], sizeof f->fp[1]);
	f->ids[0] = r->id;
	snprintf(f->fp[0], sizeof f->fp[0], "%s", r->fingerprint_id != NULL ?
	    r->fingerprint_id : "unknown");
	return 0;
}

/* Resolve a run id or KEY=VALUE into *id and its fingerprint id. */
static int
cmd_compare_resolve(struct store *st, const char *job, const char *spec,
    int64_t *id, char *fp, size_t len, char **cause)
{
	struct cmd_compare_find f = { .job = job };
	char *end, *key = NULL;
	const char *eq = strchr(spec, '=');
	int rc;

	if (eq == NULL) {
		errno = 0;
		f.ids[0] = strtoll(spec, &end, 10);
		if (errno != 0 || end == spec || *end != '\0' || f.ids[0] <= 0)
			return err_set(cause, "'%s' is neither a run id nor "
			    "KEY=VALUE", spec);
		rc = store_run_get(st, f.ids[0], cmd_compare_row, &f, cause);
	} else {
		f.key = key = xstrndup(spec, (size_t)(eq - spec));
		f.value = eq + 1;
		rc = store_runs_list(st, job, cmd_compare_row, &f, cause);
		if (rc == 0 && f.ids[0] == 0)
			rc = err_set(cause, "no run has the label %s", spec);
	}
	free(key);
	*id = f.ids[0];
	snprintf(fp, len, "%s", f.fp[0]);
	return rc;
}

/* --last: the two newest runs. */
static int
cmd_compare_last(struct store *st, const char *job, int64_t *ids,
    char fp[2][72], char **cause)
{
	struct cmd_compare_find f = { .job = job };

	if (store_runs_list(st, job, cmd_compare_row, &f, cause) != 0)
		return -1;
	if (f.ids[1] == 0)
		return err_set(cause, "--last needs two runs%s%s", job != NULL ?
		    " of job " : "", job != NULL ? job : "");
	ids[0] = f.ids[1];
	ids[1] = f.ids[0];
	memcpy(fp[0], f.fp[1], sizeof fp[0]);
	memcpy(fp[1], f.fp[0], sizeof fp[1]);
	return 0;
}

/* The options. */
struct cmd_compare_args {
	const char	*db, *file;
	int		 last, force;
	struct compare_opts o;
};

/* Parse the options; optind is left at the operands. 0, 1 help, -1. */
static int
cmd_compare_parse(int argc, char **argv, struct cmd_compare_args *a)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "file", required_argument, NULL, 'f' },
		{ "threshold", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'F' },
		{ "last", no_argument, NULL, 'l' },
		{ "force", no_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "d:f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': a->db = optarg; break;
		case 'f': a->file = optarg; break;
		case 'l': a->last = 1; break;
		case 'x': a->force = 1; break;
		case 't':
			if (cmd_opt_seconds("--threshold", optarg,
			    &a->o.threshold_pct) != 0)
				return -1;
			break;
		case 'F':
			if (!compare_format_ok(optarg)) {
				fprintf(stderr, "bench: --format: unknown '%s' "
				    "(use term|json|md|html)\n", optarg);
				return -1;
			}
			a->o.format = optarg;
			break;
		case 'h':
			printf("usage: bench compare %s\n\nThe performance "
			    "change from run A to run B, per test case and "
			    "metric:\nmeans of the measured units (warm-up "
			    "left out), the change in percent with\nits 95%% "
			    "interval (Welch), and a verdict that needs both "
			    "the threshold\n(default 5%%) and significance. A "
			    "and B are run ids or KEY=VALUE labels\n(the newest "
			    "run with it); --last compares the two newest runs "
			    "(of -f JOB's\njob). Runs on machines with different "
			    "fingerprints are refused unless\n--force.\n\nexit: "
			    "0 nothing worse, 1 something slower or worse, 2 "
			    "usage,\ndifferent machines or nothing in common, 3 "
			    "environment\n",
			    CMD_COMPARE_USAGE);
			return 1;
		default:
			return -1;
		}
	}
	if (a->last ? argc - optind != 0 : argc - optind != 2)
		return -1;
	return 0;
}

/* Find A and B, check the machines, compare. */
static int
cmd_compare_run(struct store *st, const char *job, struct cmd_compare_args *a,
    char **argv, char **cause)
{
	char fp[2][72] = { "", "" };
	int64_t ids[2] = { 0, 0 };
	int worse = 0;
	size_t nitems = 0;

	if (a->last) {
		if (cmd_compare_last(st, job, ids, fp, cause) != 0)
			return CMD_EXIT_USAGE;
	} else if (cmd_compare_resolve(st, job, argv[0], &ids[0], fp[0],
	    sizeof fp[0], cause) != 0 || cmd_compare_resolve(st, job, argv[1],
	    &ids[1], fp[1], sizeof fp[1], cause) != 0)
		return CMD_EXIT_USAGE;
	if (strcmp(fp[0], fp[1]) != 0) {
		fprintf(stderr, "bench: %s: runs %" PRId64 " and %" PRId64
		    " ran on different machines (fingerprints %.12s and "
		    "%.12s)%s\n", a->force ? "WARNING" : "refusing to compare",
		    ids[0], ids[1], fp[0], fp[1], a->force ? ": compared "
		    "anyway (--force), the change may be the machine's" :
		    "; --force to compare anyway");
		if (!a->force)
			return CMD_EXIT_USAGE;
	}
	if (compare_runs(st, ids[0], ids[1], &a->o, stdout, &worse, &nitems,
	    cause) != 0)
		return CMD_EXIT_ENV;
	if (nitems == 0) {
		/* nothing in common is not "nothing got worse" */
		fprintf(stderr, "bench: runs %" PRId64 " and %" PRId64 " have "
		    "no test case and metric in common: nothing compared "
		    "(test cases are matched by name, hyperparameters "
		    "included)\n", ids[0], ids[1]);
		return CMD_EXIT_USAGE;
	}
	return worse > 0 ? CMD_EXIT_FAIL : CMD_EXIT_OK;
}

/* bench compare */
static int
cmd_compare_exec(int argc, char **argv)
{
	struct cmd_compare_args a = { .o = COMPARE_OPTS_INIT };
	struct job *job = NULL;
	struct store *st = NULL;
	char *cause = NULL, *db, *name = NULL;
	int rc = cmd_compare_parse(argc, argv, &a);

	if (rc != 0)
		return rc > 0 ? CMD_EXIT_OK : cmd_usage(&cmd_compare_entry);
	if (a.file != NULL && job_load(a.file, &job, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return CMD_EXIT_USAGE;
	}
	db = session_db_path(a.db, job);
	if (job != NULL)
		name = xstrdup(job_name(job));
	job_free(job);
	if (store_open(db, &st, &cause) != 0)
		rc = CMD_EXIT_ENV;
	else
		rc = cmd_compare_run(st, name, &a, argv + optind, &cause);
	if (cause != NULL)
		fprintf(stderr, "bench: %s\n", cause);
	free(cause);
	free(name);
	free(db);
	store_close(st);
	return rc;
}

const struct cmd_entry cmd_compare_entry = {
	"compare", CMD_COMPARE_USAGE, "the performance change between two runs "
	"(exit 1 when worse)", cmd_compare_exec,
};
