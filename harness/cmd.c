/*
 * cmd: the table of subcommands.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "job.h"
#include "store.h"
#include "banned.h"

const struct cmd_entry *const cmd_table[] = {
	&cmd_run_entry,
	&cmd_list_entry,
	&cmd_runs_entry,
	&cmd_verify_entry,
	&cmd_diff_entry,
	&cmd_compare_entry,
	&cmd_scale_entry,
	&cmd_profile_entry,
	&cmd_worker_entry,
	&cmd_report_entry,
	&cmd_nightly_entry,
	NULL,
};

/* The subcommand called name, or NULL. */
const struct cmd_entry *
cmd_find(const char *name)
{
	size_t i;

	for (i = 0; cmd_table[i] != NULL; i++) {
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	}
	return NULL;
}

/* Print the usage line of cmd. */
int
cmd_usage(const struct cmd_entry *cmd)
{
	fprintf(stderr, "usage: bench %s %s\n", cmd->name, cmd->usage);
	return CMD_EXIT_USAGE;
}

/* Parse an integer >= min. */
int
cmd_parse_int(const char *s, int min, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > INT_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

/* A non-negative duration, as job_parse_duration() takes it. */
int
cmd_opt_seconds(const char *opt, const char *arg, double *out)
{
	if (job_parse_duration(arg, out) == 0)
		return 0;
	fprintf(stderr, "bench: %s must be a duration (seconds, or with s, "
	    "ms, m or h: 90, 1.5s, 5m), got '%s'\n", opt, arg);
	return -1;
}

/* An integer >= min. */
int
cmd_opt_int(const char *opt, const char *arg, int min, int *out)
{
	if (cmd_parse_int(arg, min, out) == 0)
		return 0;
	fprintf(stderr, "bench: %s must be %s integer, got '%s'\n", opt,
	    min > 0 ? "a positive" : "a non-negative", arg);
	return -1;
}

/* A run id. */
int
cmd_opt_run_id(const char *opt, const char *arg, int64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoll(arg, &end, 10);
	if (errno == 0 && end != arg && *end == '\0' && *out > 0)
		return 0;
	fprintf(stderr, "bench: %s must be a run id, got '%s'\n", opt, arg);
	return -1;
}

/* Open the database of a reading command; never create one. */
int
cmd_open_db(const char *name, const char *db, struct store **st)
{
	char *cause = NULL;

	if (access(db, F_OK) != 0) {
		fprintf(stderr, "bench: %s: no database '%s' (give --db FILE "
		    "or -f JOB)\n", name, db);
		return CMD_EXIT_USAGE;
	}
	if (store_open(db, st, &cause) != 0) {
		fprintf(stderr, "bench: %s\n", cause);
		free(cause);
		return CMD_EXIT_ENV;
	}
	return CMD_EXIT_OK;
}

/* Set *(int *)data when the row is the run looked for. */
static int
cmd_run_seen(const struct store_run_row *r, void *data)
{
	int64_t *want = data;

	if (r->id == *want)
		*want = 0;
	return 0;
}

/* Whether run id is in st: CMD_EXIT_OK, USAGE (named) or ENV. */
int
cmd_check_run(const char *name, struct store *st, const char *db, int64_t id)
{
	char *cause = NULL;
	int64_t want = id;

	if (store_runs_list(st, NULL, cmd_run_seen, &want, &cause) != 0) {
		fprintf(stderr, "bench: %s\n", cause);
		free(cause);
		return CMD_EXIT_ENV;
	}
	if (want == 0)
		return CMD_EXIT_OK;
	fprintf(stderr, "bench: %s: no run %" PRId64 " in '%s' (bench runs "
	    "lists them)\n", name, id, db);
	return CMD_EXIT_USAGE;
}
