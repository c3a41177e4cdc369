/*
 * report: renderers of a stored run, one per output format (term, csv,
 * json, junit, html), each a const ops struct listed in one table. Every
 * renderer draws from a struct report that report_load() reads from the
 * database, never from the controller's memory, so any stored run can be
 * reported again later.
 *
 * runs.rank holds the job's ranking settings as a JSON object (written by
 * `bench run` through store_run_set_rank; NULL for runs stored before
 * schema 2, which then rank in job order with every metric):
 *   {"sort_by": [{"METRIC": "descend"|"ascend"}...],
 *    "metrics": ["NAME"...],            testenv.metrics, column order
 *    "selected_dataitem": {...},        rank.selected_dataitem as written
 *    "save_mode": "selected_and_all",
 *    "ram_mb": N, "vram_mb": N,         resources per unit, 0 undeclared
 *    "algorithms": {"ALGO": [{"type", "name", "url" | "command" (as
 *                  written), "hyperparameters": {"NAME": "KEY"},
 *                  "runs": true on the module bench runs}...]}}
 * where a test case's modules are its algorithm's with each hyperparameter
 * valued by its params' KEY (job_modules()). Runs stored before schema 5
 * have instead "testcases": {"NAME": {"modules": [{"type", "name",
 * "url"|"command", "hyperparameters": {...values}}...]}}; both are read.
 */
#ifndef BENCH_REPORT_H
#define BENCH_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

struct store;

/* One unit of the run (a row of `units`); strings owned by the report. */
struct report_unit {
	int64_t	 id;
	size_t	 tc;		/* index into report.tcs (job order) */
	char	*status, *error, *log_path;
	char	*key;		/* units.key, "" unknown */
	unsigned part, nparts, rep;
	int	 attempts, worker_slot, exit_code, signal, co_running;
	double	 started_at, finished_at, wall_s;	/* NAN unknown */
	long	 maxrss_kb;	/* -1 unknown */
	double	 vram_peak_mb;	/* NAN unknown */
};

/* One test case: its units' totals and its merged metrics. */
struct report_tc {
	char	*name, *algorithm, *paradigm;
	json_t	*params;	/* object (units.params of its first unit) */
	json_t	*metrics;	/* name -> real (testcase_metrics) */
	json_t	*timing;	/* name -> true when timing-dependent */
	size_t	 units, ok, bad, skipped;
	size_t	 measured;	/* units that are not warm-ups */
	double	 wall_s;	/* sum of its units' wall_s */
	double	 first_start, last_end;	/* NAN when none ran */
	long	 peak_rss_kb;	/* max over units, -1 unknown */
	double	 peak_vram_mb;	/* NAN unknown */
	int	 co_running;	/* max over units, -1 unknown */
	size_t	 rank;		/* 1-based position after ranking */
};

/* A stored run, loaded whole. */
struct report {
	struct store	*st;		/* borrowed, for follow-up queries */
	int64_t		 id;
	char		*job_name, *job_sha256, *job_path, *mode, *launcher;
	char		*host, *status, *fingerprint_id, *workspace;
	json_t		*fingerprint;	/* object, {} when unknown */
	json_t		*rank;		/* object, {} when NULL in the db */
	int		 workers;
	double		 started_at, finished_at;	/* NAN running */
	int		 units_total, units_ok, units_failed;
	struct report_tc *tcs;		/* job (first-seen) order */
	size_t		 ntcs;
	size_t		*ranked;	/* indexes into tcs, best first */
	json_t		*columns;	/* metric names shown, in order */
	struct report_unit *units;	/* id order */
	size_t		 nunits;
	int		 nslots;	/* 1 + the highest worker_slot */
};

/* Load run_id from st; -1 with *cause when there is no such run. */
int report_load(struct store *st, int64_t run_id, struct report **out,
    char **cause);
void report_free(struct report *r);

/*
 * A renderer. out is the -o argument: a file, or NULL for stdout (csv:
 * a directory, NULL for WORKSPACE/rank/). Returns 0, or -1 with *cause.
 */
struct report_ops {
	const char	*name;
	int		(*write)(struct report *r, const char *out, char **cause);
};
extern const struct report_ops report_term_ops;
extern const struct report_ops report_csv_ops;
extern const struct report_ops report_json_ops;
extern const struct report_ops report_junit_ops;
extern const struct report_ops report_html_ops;
extern const struct report_ops report_md_ops;
/* The renderer called name, or NULL. */
const struct report_ops *report_find(const char *name);
/* "term|html|json|csv|junit|md", for usage lines. */
const char *report_names(void);

/*
 * Load run_id from st and write it with the renderer called format to out
 * (as report_ops.write takes it: a file, NULL for stdout; csv: a
 * directory, NULL for WORKSPACE/rank/). What `bench report` and `bench run
 * --report` call. Returns 0, or -1 with *cause (allocated, the caller
 * frees it) for an unknown format, a missing run or a write error.
 */
int report_write(struct store *st, int64_t run_id, const char *format,
    const char *out, char **cause);

/* Helpers shared by the renderers. */
/* Open out for writing (NULL: stdout); *fp to close with report_close. */
int report_open(const char *out, FILE **fp, char **cause);
/* Close what report_open gave; -1 with *cause on a write error. */
int report_close(FILE *fp, const char *out, char **cause);
/* Write s escaped for XML/HTML text and attributes: & < > " ' as
   entities, invalid UTF-8 and control characters (but tab, newline) as
   U+FFFD. NULL writes nothing. */
void report_esc(FILE *fp, const char *s);
/* The last nlines lines (at most maxbytes) of the file at path, allocated;
   NULL when it cannot be read. */
char *report_log_tail(const char *path, int nlines, size_t maxbytes);
/* A number compactly ("4.89", "1.2e+07", "-") into buf. */
const char *report_num(double v, char *buf, size_t len);
/* Epoch seconds as local "YYYY-MM-DD HH:MM:SS" into buf. */
const char *report_date(double t, char *buf, size_t len);
/* 1 when the metric is better higher (throughput: _per_s, gflops,
   throughput, ops), 0 when better lower (time, memory). */
int report_higher_is_better(const char *metric);

#endif
