/*
 * cmd: the table of subcommands.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"
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
