/*
 * store: the SQLite database, bench's only persistent state and the
 * interface reports and users read (see DESIGN.md "SQLite"). The only module
 * that includes sqlite3.h; it never hands out raw handles.
 *
 * The database is opened in WAL mode with synchronous=NORMAL (a power loss
 * may lose the last commits but never corrupts), a 15 s busy timeout,
 * foreign keys on, and the schema version in PRAGMA user_version. Writes are
 * grouped by store_begin()/store_commit(), which nest through a depth
 * counter; outside a transaction each write commits on its own.
 *
 * Times are UNIX epoch seconds as REAL (sqlite3: datetime(x,'unixepoch')).
 * Optional numbers are passed as NAN (doubles) or negative (integers) and
 * stored as NULL.
 */
#ifndef BENCH_STORE_H
#define BENCH_STORE_H

#include <stdint.h>
#include <sys/types.h>

/* 1: first schema; 2: runs.rank (JSON text, NULL before); 3: units.host;
   4: units.warmup, runs.labels, runs.machine_state; 5: runs.rank keeps
   the modules per algorithm ("algorithms"), not per test case */
#define STORE_SCHEMA_VERSION 5

struct store;

/* Open or create the database at path (created mode 0600, parent
   directories 0700). Migrates an older schema; refuses a newer one. */
int store_open(const char *path, struct store **out, char **cause);
/* Finalize every statement and close. NULL is fine. */
void store_close(struct store *st);

/*
 * While another process holds the database locked, SQLite waits (at most
 * 15 s in all, then SQLITE_BUSY). With a wait function set, that wait is
 * wait(data, max_s) called again and again instead of sleeping, so the
 * caller's event loop goes on (deadlines, reaping, pipes) while a write
 * waits for the lock. wait must not use this store and should return
 * within max_s seconds. NULL: sleep again.
 */
typedef void (*store_wait_fn)(void *data, double max_s);
void store_set_busy_wait(struct store *st, store_wait_fn wait, void *data);

int store_begin(struct store *st, char **cause);
int store_commit(struct store *st, char **cause);
/* Roll back the outermost transaction (any depth); never fails loudly. */
void store_rollback(struct store *st);

/* A row of `runs`, as created. Strings are copied. */
struct store_run_info {
	const char *job_name;
	const char *job_sha256;
	const char *job_path;
	const char *mode;		/* "serial" | "parallel" */
	int	    workers;
	const char *launcher;		/* "local" | "slurm" */
	const char *host;		/* hostname */
	const char *fingerprint;	/* JSON object text (hwinfo) */
	const char *fingerprint_id;	/* hex SHA-256 of what identifies the
					   machine: cpu, cores, memory, gpus */
	const char *argv;		/* JSON array text of bench's argv */
	const char *workspace;		/* the run's output directory */
	const char *bench_version;
	double	    started_at;
	const char *labels;		/* JSON object text {"KEY":"VALUE"} or
					   NULL (--label) */
	const char *machine_state;	/* JSON object text or NULL: load,
					   governor, busy processes at start */
};
/* Insert a run with status 'running'; *run_id receives its id. */
int store_run_create(struct store *st, const struct store_run_info *info,
    int64_t *run_id, char **cause);
/* status: 'ok' | 'failed' | 'interrupted' | 'error'; sets finished_at. */
int store_run_finish(struct store *st, int64_t run_id, const char *status,
    double finished_at, char **cause);
/* Update the worker count once it is known (profiling may change it). */
int store_run_set_workers(struct store *st, int64_t run_id, int workers,
    char **cause);

/*
 * The job's ranking and report settings of a run, as a JSON object text
 * (see reports/report.h for its keys): what `bench report` needs to rank a
 * stored run as the job asked. NULL clears it.
 */
int store_run_set_rank(struct store *st, int64_t run_id, const char *rank,
    char **cause);
/* Set runs.machine_state (JSON object text, see quiet.h), taken while
   the run starts. */
int store_run_set_machine_state(struct store *st, int64_t run_id,
    const char *state, char **cause);

/* A unit row as planned. */
struct store_unit_info {
	const char *testcase;		/* test case name */
	const char *algorithm;
	const char *paradigm;
	const char *params;		/* JSON object text */
	const char *key;		/* hex unit key (resume) */
	const char *log_path;
	unsigned    part, nparts, rep;
	uint64_t    seed;		/* stored as a signed 64-bit integer */
	int	    warmup;		/* 1: a warm-up repetition, left out
					   of every statistic */
};
/* Insert a unit with status 'pending'. */
int store_unit_add(struct store *st, int64_t run_id,
    const struct store_unit_info *info, int64_t *unit_id, char **cause);
/* Mark it 'running' now: attempt from 1, slot from 0. */
int store_unit_start(struct store *st, int64_t unit_id, int attempt,
    int worker_slot, pid_t pid, double started_at, char **cause);

/* How a unit ended. */
struct store_unit_end {
	const char *status;	/* ok failed crashed timeout oom skipped
				   interrupted */
	double	    finished_at;
	double	    wall_s;
	double	    cpu_user_s, cpu_sys_s;
	long	    maxrss_kb;		/* < 0: unknown */
	double	    vram_peak_mb;	/* NAN: unknown / no GPU */
	int	    exit_code;		/* < 0: none (killed by a signal) */
	int	    signal;		/* 0: none */
	int	    co_running;		/* peak units running beside it; 0 alone */
	const char *error;		/* NULL or a message */
	const char *host;		/* where it ran; NULL unknown */
	/* started: the attempt's start was not recorded (store_unit_start
	   skipped: it started and ended between two commits, so no reader
	   could have seen it running); these are written with the end */
	int	    started;
	int	    attempt;
	int	    worker_slot;	/* < 0: none */
	pid_t	    pid;		/* <= 0: none */
	double	    started_at;
};
int store_unit_finish(struct store *st, int64_t unit_id,
    const struct store_unit_end *end, char **cause);
/* Copy unit unit_id of another run, as it ended, with its metrics, into
   run_id (resume); *new_id gets the copy's id. */
int store_unit_copy(struct store *st, int64_t unit_id, int64_t run_id,
    int64_t *new_id, char **cause);
/* A metric reported by a unit; timing = 1 when it depends on time
   (excluded from serial/parallel comparison). */
int store_metric_add(struct store *st, int64_t unit_id, const char *name,
    double value, int timing, char **cause);
/* A merged per-test-case metric of a run (insert or replace). */
int store_testcase_metric_set(struct store *st, int64_t run_id,
    const char *testcase, const char *name, double value, int timing,
    char **cause);
/* A resource sample: t seconds since the unit started. */
int store_sample_add(struct store *st, int64_t unit_id, double t,
    long rss_kb, double cpu_pct, double vram_mb, double gpu_util,
    char **cause);
/* An event (scheduler decision, oom, retry...) with free text. unit_id < 0
   for run-level events. */
int store_event_add(struct store *st, int64_t run_id, int64_t unit_id,
    double t, const char *kind, const char *detail, char **cause);

/* Queries. Callbacks get rows whose strings live until they return; a
   non-zero return from a callback stops the walk and is returned. A NULL
   column reads as NULL (text), NAN (real) or -1 (integer), except signal,
   which reads 0 when there was none, as store_unit_end passes it. A
   callback may call other store functions, queries included. */
struct store_run_row {
	int64_t	    id;
	const char *job_name, *job_sha256, *mode, *launcher, *host, *status;
	const char *fingerprint_id, *workspace;
	const char *rank;		/* JSON text or NULL (store_run_set_rank) */
	const char *fingerprint;	/* JSON text or NULL */
	const char *job_path;
	const char *labels;		/* JSON text or NULL */
	const char *machine_state;	/* JSON text or NULL */
	int	    workers;
	double	    started_at, finished_at;	/* finished_at NAN if running */
	/* units_failed: ended neither ok nor skipped (pending/running not) */
	int	    units_total, units_ok, units_failed;
};
typedef int (*store_run_cb)(const struct store_run_row *row, void *data);
/* Every run, oldest first; job_name NULL for all jobs. */
int store_runs_list(struct store *st, const char *job_name, store_run_cb cb,
    void *data, char **cause);
/* One run by id; returns -1 with *cause if there is none. */
int store_run_get(struct store *st, int64_t run_id, store_run_cb cb,
    void *data, char **cause);
/*
 * *yes = 1 when a test case of the run has two or more measured units
 * (ok, not warm-up), else 0: without, no test case has two samples of a
 * metric, so there are no statistics to load (runstats.h).
 */
int store_run_measured_twice(struct store *st, int64_t run_id, int *yes,
    char **cause);
/* Id of the newest run (of job_name, or any when NULL); 0 when none. */
int store_last_run(struct store *st, const char *job_name, int64_t *run_id,
    char **cause);

struct store_unit_row {
	int64_t	    id, run_id;
	const char *testcase, *algorithm, *paradigm, *params, *key, *status;
	const char *error, *log_path;
	unsigned    part, nparts, rep;
	int	    attempts, worker_slot, exit_code, signal, co_running;
	double	    started_at, finished_at, wall_s, cpu_user_s, cpu_sys_s;
	long	    maxrss_kb;
	double	    vram_peak_mb;
	uint64_t    seed;		/* as given to store_unit_add */
	const char *host;		/* where it ran; NULL unknown */
	int	    warmup;		/* 1: a warm-up repetition */
};
typedef int (*store_unit_cb)(const struct store_unit_row *row, void *data);
/* Units of a run in id order. */
int store_units_list(struct store *st, int64_t run_id, store_unit_cb cb,
    void *data, char **cause);

struct store_metric_row {
	int64_t	    unit_id;		/* 0 for a test-case metric */
	const char *testcase, *name;
	double	    value;
	int	    timing;
};
typedef int (*store_metric_cb)(const struct store_metric_row *row, void *data);
/* Unit metrics of a run, by unit id then name. */
int store_unit_metrics_list(struct store *st, int64_t run_id,
    store_metric_cb cb, void *data, char **cause);
/* Test-case metrics of a run, by test case then name. */
int store_testcase_metrics_list(struct store *st, int64_t run_id,
    store_metric_cb cb, void *data, char **cause);

struct store_sample_row {
	int64_t	    unit_id;
	double	    t;			/* seconds since the unit started */
	long	    rss_kb;		/* -1: NULL */
	double	    cpu_pct, vram_mb, gpu_util;	/* NAN: NULL */
};
typedef int (*store_sample_cb)(const struct store_sample_row *row,
    void *data);
/* Samples of a run's units, by unit id then t. */
int store_samples_list(struct store *st, int64_t run_id, store_sample_cb cb,
    void *data, char **cause);

/* Run PRAGMA integrity_check; -1 with its findings in *cause unless 'ok'. */
int store_integrity_check(struct store *st, char **cause);

/* A row of `profiles`: what one unit key needed on one host. */
struct store_profile {
	long	    peak_rss_kb;	/* < 0: unknown */
	double	    peak_vram_mb;	/* NAN: unknown / no GPU */
	double	    wall_s;		/* NAN: unknown */
	double	    measured_at;	/* epoch seconds; NAN: unknown */
};
/* Insert or replace the profile of (key, host); both required. */
int store_profile_put(struct store *st, const char *key, const char *host,
    const struct store_profile *p, char **cause);
/* Read the profile of (key, host) into *p: 1 found, 0 none, -1 error. */
int store_profile_get(struct store *st, const char *key, const char *host,
    struct store_profile *p, char **cause);

#endif
