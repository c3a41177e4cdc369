/*
 * worker: the worker side of one unit. Opens the unit's test case, builds
 * its struct bench_ctx, calls setup/run/teardown, and writes the unit's
 * records (harness/chan.h) to the status fd:
 *
 *	{"t":"start","pid":N}
 *	{"t":"metric",...}	one per reported metric, as soon as reported
 *	{"t":"end","status":"ok|failed|skipped"[,"error":"why"]}
 *
 * The unit's log is stderr: ctx->log() lines, warnings (parameters the test
 * case does not declare) and failure reasons go there. Runs in the worker
 * process, after the fork (controller) or in `bench worker` (Slurm).
 */
#ifndef BENCH_WORKER_H
#define BENCH_WORKER_H

#include <stdint.h>

#include <bench/testcase.h>

/* Exit codes of a worker: public API (bench(1), `bench worker`). */
enum worker_exit {
	WORKER_EXIT_OK = 0,	/* the unit ended ok or skipped */
	WORKER_EXIT_FAILED = 1,	/* it failed, or the controller went */
	WORKER_EXIT_USAGE = 2,	/* bad worker arguments */
	WORKER_EXIT_OPEN = 3,	/* the test case cannot be opened */
};

/* One unit, as the controller describes it. Nothing is owned: every pointer
   must stay valid during worker_run. */
struct worker_unit {
	const char	*url;		/* builtin:NAME or a .so path */
	const char	*params;	/* a JSON object; NULL means {} */
	const char	*testcase;	/* the test case's name in the job;
					   NULL: the descriptor's name */
	const char	*unit_id;	/* required, non-empty */
	const char	*workspace;	/* NULL: "." */
	uint64_t	 seed;
	unsigned	 part;		/* < nparts */
	unsigned	 nparts;	/* >= 1 */
	unsigned	 rep;
	int		 status_fd;	/* for the records; left open */
	const char	*paradigm;	/* paradigm_type; NULL: single task */
	const char	*paradigm_config; /* testenv as JSON; NULL: {} */
};
#define WORKER_UNIT_INIT { .nparts = 1, .status_fd = -1 }

/*
 * Run the unit and return the worker's exit code (enum worker_exit).
 *
 * Parameters: the JSON object's members, read by the test case through the
 * strict ctx->param_* lookups (bench/testcase.h). A member the descriptor's
 * param spec declares with another type fails the unit before setup; a
 * member it does not declare is a warning in the log (the parameters are
 * shared by all modules of an algorithm). A descriptor with no spec
 * (params NULL) is not checked.
 *
 * The unit fails when the test case says so (ctx->fail or BENCH_FAILED), or
 * reports a metric that is not finite or whose name is empty or longer than
 * CHAN_NAME_MAX. When the arguments are bad (2) or the test case cannot be
 * opened (3) and the status fd is usable, a start and a failed end record
 * with the reason are still written.
 *
 * When a write to the status fd fails (EPIPE: the controller is gone; the
 * caller must ignore SIGPIPE to see it), the worker writes nothing more,
 * skips what is left of setup/run (teardown still runs) and returns 1.
 */
int worker_run(const struct worker_unit *u);

/* The same with a descriptor the caller already has (u->url is only
   logged): for tests, and for callers that opened the test case. */
int worker_run_testcase(const struct worker_unit *u,
    const struct bench_testcase *tc);

#endif
