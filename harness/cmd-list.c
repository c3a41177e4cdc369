/*
 * cmd-list: `bench list -f JOB`: the expanded test cases and units of a job,
 * without running anything.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "job.h"
#include "term.h"
#include "banned.h"

#define CMD_LIST_USAGE "-f JOB [-k PATTERN] [-u]"

/* List a job's test cases (and units with -u). */
static int
cmd_list_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "units", no_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = NULL, *pattern = NULL;
	struct job *job = NULL;
	char *cause = NULL;
	int c, units = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:k:uh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			file = optarg;
			break;
		case 'k':
			pattern = optarg;
			break;
		case 'u':
			units = 1;
			break;
		case 'h':
			printf("usage: bench list %s\n\nPrint the test cases "
			    "(algorithm x hyperparameter grid) and, with -u,\n"
			    "the units of a job, without running anything.\n",
			    CMD_LIST_USAGE);
			return CMD_EXIT_OK;
		default:
			return cmd_usage(&cmd_list_entry);
		}
	}
	if (file == NULL || optind < argc)
		return cmd_usage(&cmd_list_entry);
	if (job_load(file, &job, &cause) != 0 ||
	    (pattern != NULL && job_filter(job, pattern, &cause) != 0)) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		job_free(job);
		return CMD_EXIT_USAGE;
	}
	term_plan(stdout, job, units);
	job_free(job);
	return CMD_EXIT_OK;
}

const struct cmd_entry cmd_list_entry = {
	"list", CMD_LIST_USAGE, "the expanded test cases and units of a job",
	cmd_list_exec,
};
