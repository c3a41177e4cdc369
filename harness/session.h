/*
 * session: one run of a job, as a library call. Load the job file, apply
 * the options, decide the worker count and say why, open the database,
 * record the run (machine fingerprint, argv, ranking), run every unit
 * (run.h), record how the run ended, print the ranked summary and the
 * totals, write the requested reports. `bench run`, `bench verify`,
 * `bench scale` and `bench profile` are all made of sessions; no command
 * calls another.
 */
#ifndef BENCH_SESSION_H
#define BENCH_SESSION_H

#include <stdint.h>
#include <stdio.h>

/* What a session returns: bench's exit codes (bench.1). */
enum session_rc {
	SESSION_OK = 0,			/* every unit ok (or skipped) */
	SESSION_FAIL = 1,		/* a unit did not end ok */
	SESSION_USAGE = 2,		/* bad options or job file */
	SESSION_ENV = 3,		/* database, fork, disk */
	SESSION_INTERRUPTED = 130,	/* SIGINT/SIGTERM */
};

#define SESSION_REPORTS_MAX	8
#define SESSION_LABELS_MAX	16

/* The options of a run. Plain data; nothing is owned. */
struct session_opts {
	const char	*file;		/* the job file */
	int		 parallel;	/* 1, 0, or -1: the job's */
	int		 workers;	/* > 0, 0 unset, -1 auto */
	const char	*db;		/* NULL: the job's or WORKSPACE's */
	const char	*pattern;	/* -k; NULL all */
	double		 timeout_s;	/* < 0: the job's */
	double		 grace_s;	/* SIGTERM -> SIGKILL */
	int		 retries;	/* < 0: the job's */
	int		 dry_run;	/* print the plan, run nothing */
	int		 profile_only;
	double		 sample_s;
	int64_t		 resume;	/* 0 none */
	int		 quiet;		/* no per-unit lines */
	FILE		*summary;	/* ranked table and totals; NULL none */
	const char	*reports[SESSION_REPORTS_MAX];	/* FORMAT[=FILE] */
	int		 nreports;
	const char	*launcher;	/* NULL: the job's */
	const char	*cluster_args;	/* the launcher's extra arguments */
	const char	*partition;
	int		 repeat;	/* --repeat; 0: the job's */
	int		 warmup;	/* --warmup; -1: the job's */
	const char	*labels[SESSION_LABELS_MAX];	/* KEY=VALUE */
	int		 nlabels;
	const char	*python;	/* --python: NULL the job's or python3 */
	int		 argc;		/* the command line, for runs.argv */
	char	       **argv;
};
#define SESSION_OPTS_INIT { .parallel = -1, .timeout_s = -1, \
	.grace_s = 5, .retries = -1, .sample_s = 0.5, .warmup = -1 }

/* Check and add a --label KEY=VALUE (KEY non-empty, no '='): 0, or -1
   after printing why. */
int session_opts_label(struct session_opts *o, const char *arg);

/*
 * Run the job o->file once. *run_id (when not NULL) gets the id of the run
 * it created, 0 when none was. Messages go to stderr. Returns the exit
 * code.
 */
enum session_rc session_run(const struct session_opts *o, int64_t *run_id);

/* The database of a command: opt (--db), else the job's `db` key, else
   WORKSPACE/bench.db of the job, else ./workspace/bench.db. Allocated. */
struct job;
char *session_db_path(const char *opt, const struct job *job);

#endif
