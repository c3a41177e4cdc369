/*
 * bench/testcase.h: the test-case ABI of bench, version 1.
 *
 * A test case is a `struct bench_testcase` descriptor. Built-in test cases
 * (testcases/) are compiled into bench; out-of-tree ones are shared objects
 * named by a module `url: /path/plugin.so`, which bench dlopen()s and asks
 * for the symbol `bench_testcase_v1`:
 *
 *	const struct bench_testcase *bench_testcase_v1(void);
 *
 * bench checks `abi_version` against BENCH_TESTCASE_ABI_VERSION before using
 * anything else in the descriptor. A plugin needs nothing but this header:
 * everything bench offers it comes through the context's function pointers,
 * so a plugin links against no bench library.
 *
 * Life of a unit (one worker process runs one unit):
 *	setup(ctx, &state)   optional; allocate, generate data from the seed
 *	run(ctx, state)      the measured work; report metrics with
 *	                     bench_report() / bench_report_timing()
 *	teardown(ctx, state) optional; free what setup allocated
 * run and teardown are called only when setup (if any) returned BENCH_OK; a
 * setup that fails frees what it allocated itself. teardown is called
 * whatever run returned.
 * merge(), optional, runs in the controller after every unit of a test case
 * has ended: it combines the units' metrics (e.g. summed counts of dataset
 * partitions) into the test case's metrics, exactly.
 *
 * Return values of setup, run and merge: BENCH_OK, BENCH_FAILED (after
 * bench_fail() said why), or BENCH_SKIPPED (after bench_skip() said why, e.g.
 * no GPU). Results must be a function of the parameters, the seed and the
 * partition only, so serial and parallel runs agree bit for bit, except
 * metrics reported with bench_report_timing().
 */
#ifndef BENCH_TESTCASE_H
#define BENCH_TESTCASE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BENCH_TESTCASE_ABI_VERSION 1

#if defined(__GNUC__) || defined(__clang__)
#define BENCH_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define BENCH_PRINTF(f, a)
#endif

enum bench_result {
	BENCH_OK = 0,
	BENCH_FAILED = 1,
	BENCH_SKIPPED = 2,
};

enum bench_param_type {
	BENCH_PARAM_INT = 1,
	BENCH_PARAM_REAL,
	BENCH_PARAM_STRING,
	BENCH_PARAM_BOOL,
};

/* One hyperparameter a test case understands; arrays end with name NULL. */
struct bench_param_spec {
	const char		*name;
	enum bench_param_type	 type;
	const char		*default_value;	/* text, as in YAML */
	const char		*help;
};

/*
 * The context of one unit. bench fills it; the test case reads the fields
 * and calls the function pointers (or the inline wrappers below).
 */
struct bench_ctx {
	unsigned	 abi_version;	/* BENCH_TESTCASE_ABI_VERSION */
	const char	*unit_id;	/* unique in the run, safe as a file name */
	const char	*testcase;	/* the test case's name */
	const char	*workspace;	/* a directory the unit may write in */
	uint64_t	 seed;		/* from (job, test case, part, rep) */
	unsigned	 part;		/* dataset partition, 0..nparts-1 */
	unsigned	 nparts;
	unsigned	 rep;

	/* Parameter lookup: 0 and *out set when NAME is present with the right
	   JSON type, -1 otherwise (absent, or the wrong type). Strict: int
	   takes integers and reals with an exact integer value; real takes
	   any number; string takes strings (valid until the unit ends);
	   bool takes true and false. bench fails the unit before setup when
	   a parameter the spec declares has the wrong type. */
	int (*param_int)(struct bench_ctx *ctx, const char *name, int64_t *out);
	int (*param_real)(struct bench_ctx *ctx, const char *name, double *out);
	int (*param_string)(struct bench_ctx *ctx, const char *name,
	    const char **out);
	/* Report a metric of this unit; timing != 0 marks it as depending on
	   time (throughput, seconds): excluded from bench verify. */
	void (*report)(struct bench_ctx *ctx, const char *name, double value,
	    int timing);
	/* Say why the unit failed / is skipped (printf-style, one line). */
	void (*fail)(struct bench_ctx *ctx, const char *fmt, ...)
	    BENCH_PRINTF(2, 3);
	void (*skip)(struct bench_ctx *ctx, const char *fmt, ...)
	    BENCH_PRINTF(2, 3);
	/* A line to the unit's log. */
	void (*log)(struct bench_ctx *ctx, const char *fmt, ...)
	    BENCH_PRINTF(2, 3);
	/* Monotonic seconds, for timing the measured region. */
	double (*now)(void);

	int (*param_bool)(struct bench_ctx *ctx, const char *name, int *out);

	void		*bench_private;	/* bench's own; do not touch */
};

/*
 * The merge context: the metrics of every unit of one test case, in unit
 * order (partition, then repetition), whatever order they finished in.
 */
struct bench_merge_ctx {
	unsigned	 abi_version;
	const char	*testcase;
	size_t		 nunits;
	/* Value of metric NAME of unit i: 0 and *out when present, else -1. */
	int (*unit_metric)(struct bench_merge_ctx *ctx, size_t i,
	    const char *name, double *out);
	/* Report a merged metric of the test case. */
	void (*report)(struct bench_merge_ctx *ctx, const char *name,
	    double value, int timing);
	void (*fail)(struct bench_merge_ctx *ctx, const char *fmt, ...)
	    BENCH_PRINTF(2, 3);
	void		*bench_private;
};

struct bench_testcase {
	unsigned			 abi_version;	/* BENCH_TESTCASE_ABI_VERSION */
	const char			*name;
	const char			*description;
	const struct bench_param_spec	*params;	/* ends with name NULL */
	int	(*setup)(struct bench_ctx *ctx, void **state);	/* optional */
	int	(*run)(struct bench_ctx *ctx, void *state);	/* required */
	void	(*teardown)(struct bench_ctx *ctx, void *state); /* optional */
	int	(*merge)(struct bench_merge_ctx *ctx);		/* optional */
};

/* The symbol a plugin exports. */
typedef const struct bench_testcase *(*bench_testcase_entry_fn)(void);
#define BENCH_TESTCASE_ENTRY "bench_testcase_v1"

/* Wrappers. */
static inline void
bench_report(struct bench_ctx *ctx, const char *name, double value)
{
	ctx->report(ctx, name, value, 0);
}

static inline void
bench_report_timing(struct bench_ctx *ctx, const char *name, double value)
{
	ctx->report(ctx, name, value, 1);
}

static inline int64_t
bench_param_int(struct bench_ctx *ctx, const char *name, int64_t dflt)
{
	int64_t v;

	return ctx->param_int(ctx, name, &v) == 0 ? v : dflt;
}

static inline double
bench_param_real(struct bench_ctx *ctx, const char *name, double dflt)
{
	double v;

	return ctx->param_real(ctx, name, &v) == 0 ? v : dflt;
}

static inline const char *
bench_param_string(struct bench_ctx *ctx, const char *name, const char *dflt)
{
	const char *v;

	return ctx->param_string(ctx, name, &v) == 0 ? v : dflt;
}

static inline int
bench_param_bool(struct bench_ctx *ctx, const char *name, int dflt)
{
	int v;

	return ctx->param_bool(ctx, name, &v) == 0 ? v : dflt;
}

/* (ctx->fail)(...): immune to function-like macros called fail or skip,
   such as cmocka's. */
#define bench_fail(ctx, ...)	(((ctx)->fail)((ctx), __VA_ARGS__))
#define bench_skip(ctx, ...)	(((ctx)->skip)((ctx), __VA_ARGS__))
#define bench_log(ctx, ...)	(((ctx)->log)((ctx), __VA_ARGS__))

#ifdef __cplusplus
}
#endif

#endif
