/*
 * cmd: the table of subcommands.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "job.h"
#include "xalloc.h"
#include "banned.h"

const struct cmd_entry *const cmd_table[] = {
	&cmd_run_entry,
	&cmd_list_entry,
	&cmd_runs_entry,
	&cmd_verify_entry,
	&cmd_diff_entry,
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

/* The database a command uses. */
char *
cmd_db_path(const char *opt, const struct job *job)
{
	if (opt != NULL)
		return xstrdup(opt);
	if (job != NULL && job_settings(job)->db != NULL)
		return xstrdup(job_settings(job)->db);
	if (job != NULL)
		return xasprintf("%s/bench.db", job_workspace(job));
	return xstrdup("workspace/bench.db");
}

/* One run with the options a command passes on. */
int
cmd_run_with(const char *file, const char *db, const char *pattern,
    const char *timeout, const char *const *mode, int64_t *run_id)
{
	char *argv[24];
	int n = 0;
	size_t i;

	argv[n++] = (char *)"run";
	argv[n++] = (char *)"-f";
	argv[n++] = (char *)file;
	argv[n++] = (char *)"-q";
	if (db != NULL) {
		argv[n++] = (char *)"--db";
		argv[n++] = (char *)db;
	}
	if (pattern != NULL) {
		argv[n++] = (char *)"-k";
		argv[n++] = (char *)pattern;
	}
	if (timeout != NULL) {
		argv[n++] = (char *)"--timeout";
		argv[n++] = (char *)timeout;
	}
	for (i = 0; mode != NULL && mode[i] != NULL; i++) {
		if (i == 8)
			BUG("more than 8 mode arguments");
		argv[n++] = (char *)mode[i];
	}
	argv[n] = NULL;
	return cmd_run_main(n, argv, run_id);
}
