/*
 * cmd: the subcommands of bench. Each lives in harness/cmd-NAME.c and
 * exports one descriptor, listed in the table in cmd.c. exec returns the
 * process exit code (see bench(1)): only main and cmd-*.c decide to exit.
 */
#ifndef BENCH_CMD_H
#define BENCH_CMD_H

#include <stdint.h>
#include <stdio.h>

/* Exit codes: public API, documented in bench.1. */
enum cmd_exit {
	CMD_EXIT_OK = 0,		/* every unit ok (or skipped) */
	CMD_EXIT_FAIL = 1,		/* a unit failed, a mismatch, a regression */
	CMD_EXIT_USAGE = 2,		/* bad usage or bad job file */
	CMD_EXIT_ENV = 3,		/* environment: database, fork, disk */
	CMD_EXIT_INTERRUPTED = 130,	/* SIGINT/SIGTERM */
};

struct cmd_entry {
	const char	*name;
	const char	*usage;		/* one line after "bench NAME " */
	const char	*summary;	/* one line for bench --help */
	int		(*exec)(int argc, char **argv);	/* argv[0] is NAME */
};

extern const struct cmd_entry cmd_run_entry;
extern const struct cmd_entry cmd_list_entry;
extern const struct cmd_entry cmd_runs_entry;
extern const struct cmd_entry cmd_worker_entry;
extern const struct cmd_entry cmd_report_entry;
extern const struct cmd_entry cmd_nightly_entry;
extern const struct cmd_entry cmd_verify_entry;
extern const struct cmd_entry cmd_diff_entry;
extern const struct cmd_entry cmd_scale_entry;
extern const struct cmd_entry cmd_profile_entry;

/* The table, NULL-terminated. */
extern const struct cmd_entry *const cmd_table[];
const struct cmd_entry *cmd_find(const char *name);
/* Print "usage: bench NAME USAGE" to stderr; return CMD_EXIT_USAGE. */
int cmd_usage(const struct cmd_entry *cmd);

/*
 * The run command itself (cmd-run.c), for commands made of runs (verify,
 * scale): argv as `bench run` takes it, argv[0] "run". Returns the exit
 * code; *run_id gets the id of the run it created, 0 if none.
 */
int cmd_run_main(int argc, char **argv, int64_t *run_id);
/*
 * One run for a command made of runs: `bench run -f file -q [--db db]
 * [-k pattern] [--timeout timeout]` followed by mode (NULL-terminated, at
 * most 8 arguments, e.g. {"--parallel", "-w", "4", NULL}); NULL options
 * are left out. Returns cmd_run_main's exit code and run id.
 */
int cmd_run_with(const char *file, const char *db, const char *pattern,
    const char *timeout, const char *const *mode, int64_t *run_id);

struct diff_result;
/* Print the one-line verdict of a run comparison (cmd-diff.c); returns
   CMD_EXIT_OK when identical, else CMD_EXIT_FAIL. */
int cmd_diff_verdict(FILE *fp, int64_t a, int64_t b,
    const struct diff_result *r);

struct job;
/* The database of a command: opt (--db), else the job's `db` key, else
   WORKSPACE/bench.db of the job, else ./workspace/bench.db. Allocated. */
char *cmd_db_path(const char *opt, const struct job *job);

#endif
