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
extern const struct cmd_entry cmd_compare_entry;
extern const struct cmd_entry cmd_scale_entry;
extern const struct cmd_entry cmd_profile_entry;

/* The table, NULL-terminated. */
extern const struct cmd_entry *const cmd_table[];
const struct cmd_entry *cmd_find(const char *name);
/* Print "usage: bench NAME USAGE" to stderr; return CMD_EXIT_USAGE. */
int cmd_usage(const struct cmd_entry *cmd);

/*
 * Option values, checked: each prints "bench: OPT must be ..., got 'ARG'"
 * and returns -1 when arg is not one, else stores it and returns 0.
 */
/* A non-negative duration, as job_parse_duration() takes it ("90", "5m"). */
int cmd_opt_seconds(const char *opt, const char *arg, double *out);
/* An integer >= min. */
int cmd_opt_int(const char *opt, const char *arg, int min, int *out);
/* A run id (> 0). */
int cmd_opt_run_id(const char *opt, const char *arg, int64_t *out);
/* The same without the message: 0, or -1. */
int cmd_parse_int(const char *s, int min, int *out);

struct store;
/*
 * Open the existing database db for the reading command name: a reading
 * command never creates one. Returns CMD_EXIT_OK with *st set, or prints
 * why and returns CMD_EXIT_USAGE (no such file) or CMD_EXIT_ENV.
 */
int cmd_open_db(const char *name, const char *db, struct store **st);
/* CMD_EXIT_OK when run id is in st, else prints why and returns
   CMD_EXIT_USAGE (no such run) or CMD_EXIT_ENV. */
int cmd_check_run(const char *name, struct store *st, const char *db,
    int64_t id);

struct diff_result;
/* Print the one-line verdict of a run comparison (cmd-diff.c); returns
   CMD_EXIT_OK when identical, else CMD_EXIT_FAIL. */
int cmd_diff_verdict(FILE *fp, int64_t a, int64_t b,
    const struct diff_result *r);

#endif
