/*
 * cmd-verify: `bench verify -f JOB [-w N]`: run the job serially, then in
 * parallel, and prove the two give the same answers (harness/diff.c).
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "session.h"
#include "diff.h"
#include "job.h"
#include "store.h"
#include "xalloc.h"
#include "banned.h"

#define CMD_VERIFY_USAGE "-f JOB [-w N|auto] [--db FILE] [-k PATTERN] " \
	"[--timeout S]\n" \
	"                    [--python PATH]"

/* Parse verify's options into o: -1 to go on, else the exit code. */
static int
cmd_verify_options(int argc, char **argv, struct session_opts *o)
{
	static const struct option longopts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "workers", required_argument, NULL, 'w' },
		{ "db", required_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 't' },
		{ "python", required_argument, NULL, 'Y' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:w:d:k:t:h", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'f':
			o->file = optarg;
			break;
		case 'w':
			o->workers = -1;
			if (strcmp(optarg, "auto") != 0 && cmd_opt_int("-w",
			    optarg, 1, &o->workers) != 0)
				return CMD_EXIT_USAGE;
			break;
		case 'd':
			o->db = optarg;
			break;
		case 'k':
			o->pattern = optarg;
			break;
		case 'Y':
			o->python = optarg;
			break;
		case 't':
			if (cmd_opt_seconds("--timeout", optarg,
			    &o->timeout_s) != 0)
				return CMD_EXIT_USAGE;
			break;
		case 'h':
			printf("usage: bench verify %s\n\nRun the job serially "
			    "and then in parallel (two runs in the database),\n"
			    "compare every unit's and test case's metrics "
			    "(exactly; timing metrics left out),\nprint the "
			    "mismatches with both values. Exit 1 on any.\n",
			    CMD_VERIFY_USAGE);
			return CMD_EXIT_OK;
		default:
			return cmd_usage(&cmd_verify_entry);
		}
	}
	if (o->file == NULL || optind < argc)
		return cmd_usage(&cmd_verify_entry);
	o->quiet = 1;
	o->summary = stdout;
	o->argc = argc;
	o->argv = argv;
	if (o->workers == 0)
		o->workers = -1;	/* auto */
	return -1;
}

/* Serial run, parallel run, comparison. */
static int
cmd_verify_exec(int argc, char **argv)
{
	struct session_opts o = SESSION_OPTS_INIT;
	char *cause = NULL, *dbpath;
	struct diff_result res;
	struct job *job = NULL;
	struct store *st = NULL;
	int64_t ids[2] = { 0, 0 };
	int pass, rc;

	if ((rc = cmd_verify_options(argc, argv, &o)) >= 0)
		return rc;
	for (pass = 0; pass < 2; pass++) {
		fprintf(stderr, "bench verify: %s run\n", pass == 0 ? "serial" :
		    "parallel");
		o.parallel = pass;
		rc = (int)session_run(&o, &ids[pass]);
		if (ids[pass] == 0 || rc == CMD_EXIT_INTERRUPTED ||
		    rc == CMD_EXIT_ENV || rc == CMD_EXIT_USAGE)
			return rc != CMD_EXIT_OK ? rc : CMD_EXIT_ENV;
	}

	if (job_load(o.file, &job, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return CMD_EXIT_USAGE;
	}
	dbpath = session_db_path(o.db, job);
	job_free(job);
	printf("\n");
	if (store_open(dbpath, &st, &cause) != 0 ||
	    diff_runs(st, ids[0], ids[1], stdout, 50, &res, &cause) != 0) {
		fprintf(stderr, "bench: %s\n", cause);
		free(cause);
		free(dbpath);
		store_close(st);
		return CMD_EXIT_ENV;
	}
	free(dbpath);
	store_close(st);
	printf("serial ");
	return cmd_diff_verdict(stdout, ids[0], ids[1], &res);
}

const struct cmd_entry cmd_verify_entry = {
	"verify", CMD_VERIFY_USAGE,
	"run serially and in parallel; exit 1 unless the answers agree",
	cmd_verify_exec,
};
