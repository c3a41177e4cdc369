/*
 * store: bench's SQLite database (see store.h and DESIGN.md "SQLite"). This
 * file owns the one connection, its schema and migrations, the prepared
 * statements (prepared once at open, then bind/step/reset) and the
 * transaction depth. Nothing else in bench includes sqlite3.h.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "err.h"
#include "store.h"
#include "unit.h"
#include "xalloc.h"
#include "banned.h"

#define STORE_BUSY_TIMEOUT_MS	15000
#define STORE_APPLICATION_ID	1111838275	/* 0x42454e43, "BENC" */
#define STORE_INTEGRITY_MAX	10		/* findings kept in *cause */

/*
 * Schema migrations: store_migrations[v] takes user_version v to v + 1 and
 * ends by setting it. Version 1 is the first schema. Every table a user may
 * query is documented by its column names; keep them stable.
 */
static const char store_schema_v1[] =
	"CREATE TABLE runs (\n"
	"  id             INTEGER PRIMARY KEY,\n"
	"  job_name       TEXT NOT NULL,\n"
	"  job_sha256     TEXT NOT NULL,\n"
	"  job_path       TEXT,\n"
	"  mode           TEXT NOT NULL"
	" CHECK (mode IN ('serial', 'parallel')),\n"
	"  workers        INTEGER NOT NULL CHECK (workers >= 0),\n"
	"  launcher       TEXT NOT NULL,\n"
	"  host           TEXT,\n"
	"  fingerprint    TEXT,\n"
	"  fingerprint_id TEXT,\n"
	"  argv           TEXT,\n"
	"  workspace      TEXT,\n"
	"  bench_version  TEXT,\n"
	"  started_at     REAL NOT NULL,\n"
	"  finished_at    REAL,\n"
	"  status         TEXT NOT NULL DEFAULT 'running'"
	" CHECK (status IN ('running', 'ok', 'failed', 'interrupted',"
	" 'error'))\n"
	");\n"
	"CREATE INDEX runs_job ON runs (job_name);\n"
	"CREATE TABLE units (\n"
	"  id           INTEGER PRIMARY KEY,\n"
	"  run_id       INTEGER NOT NULL"
	" REFERENCES runs (id) ON DELETE CASCADE,\n"
	"  testcase     TEXT,\n"
	"  algorithm    TEXT,\n"
	"  paradigm     TEXT,\n"
	"  params       TEXT,\n"
	"  key          TEXT,\n"
	"  part         INTEGER NOT NULL DEFAULT 0 CHECK (part >= 0),\n"
	"  nparts       INTEGER NOT NULL DEFAULT 1 CHECK (nparts >= 0),\n"
	"  rep          INTEGER NOT NULL DEFAULT 0 CHECK (rep >= 0),\n"
	"  seed         INTEGER,\n"
	"  status       TEXT NOT NULL DEFAULT 'pending'"
	" CHECK (";
/* ... the unit statuses of unit.c's one table, then: */
static const char store_schema_v1_tail[] =
	"),\n"
	"  attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),\n"
	"  worker_slot  INTEGER,\n"
	"  pid          INTEGER,\n"
	"  started_at   REAL,\n"
	"  finished_at  REAL,\n"
	"  wall_s       REAL,\n"
	"  cpu_user_s   REAL,\n"
	"  cpu_sys_s    REAL,\n"
	"  maxrss_kb    INTEGER,\n"
	"  vram_peak_mb REAL,\n"
	"  exit_code    INTEGER,\n"
	"  signal       INTEGER,\n"
	"  co_running   INTEGER,\n"
	"  error        TEXT,\n"
	"  log_path     TEXT\n"
	");\n"
	"CREATE INDEX units_run ON units (run_id);\n"
	"CREATE INDEX units_key ON units (key);\n"
	"CREATE TABLE metrics (\n"
	"  unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,\n"
	"  name    TEXT NOT NULL,\n"
	"  value   REAL,\n"
	"  timing  INTEGER NOT NULL DEFAULT 0 CHECK (timing IN (0, 1)),\n"
	"  PRIMARY KEY (unit_id, name)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE testcase_metrics (\n"
	"  run_id   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,\n"
	"  testcase TEXT NOT NULL,\n"
	"  name     TEXT NOT NULL,\n"
	"  value    REAL,\n"
	"  timing   INTEGER NOT NULL DEFAULT 0 CHECK (timing IN (0, 1)),\n"
	"  PRIMARY KEY (run_id, testcase, name)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE samples (\n"
	"  unit_id  INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,\n"
	"  t        REAL NOT NULL,\n"
	"  rss_kb   INTEGER,\n"
	"  cpu_pct  REAL,\n"
	"  vram_mb  REAL,\n"
	"  gpu_util REAL\n"
	");\n"
	"CREATE INDEX samples_unit ON samples (unit_id, t);\n"
	"CREATE TABLE profiles (\n"
	"  key          TEXT NOT NULL,\n"
	"  host         TEXT NOT NULL,\n"
	"  peak_rss_kb  INTEGER,\n"
	"  peak_vram_mb REAL,\n"
	"  wall_s       REAL,\n"
	"  measured_at  REAL,\n"
	"  PRIMARY KEY (key, host)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE events (\n"
	"  id      INTEGER PRIMARY KEY,\n"
	"  run_id  INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,\n"
	"  unit_id INTEGER REFERENCES units (id) ON DELETE CASCADE,\n"
	"  t       REAL NOT NULL,\n"
	"  kind    TEXT NOT NULL,\n"
	"  detail  TEXT\n"
	");\n"
	"CREATE INDEX events_run ON events (run_id);\n"
	"CREATE INDEX events_unit ON events (unit_id);\n"
	"PRAGMA application_id = 1111838275;\n"
	"PRAGMA user_version = 1;\n";

/* Version 2: runs.rank, the job's ranking and report settings as JSON. */
static const char store_migrate_v2[] =
	"ALTER TABLE runs ADD COLUMN rank TEXT;\n"
	"PRAGMA user_version = 2;\n";

/* Version 3: units.host, the machine a unit ran on (Slurm: the node). */
static const char store_migrate_v3[] =
	"ALTER TABLE units ADD COLUMN host TEXT;\n"
	"PRAGMA user_version = 3;\n";

/*
 * Version 4: statistics. units.warmup (1: a warm-up repetition, run but
 * left out of every statistic), runs.labels (JSON object of --label
 * KEY=VALUE) and runs.machine_state (JSON object: load, governor, busy
 * processes at run start).
 */
static const char store_migrate_v4[] =
	"ALTER TABLE units ADD COLUMN warmup INTEGER NOT NULL DEFAULT 0"
	" CHECK (warmup IN (0, 1));\n"
	"ALTER TABLE runs ADD COLUMN labels TEXT;\n"
	"ALTER TABLE runs ADD COLUMN machine_state TEXT;\n"
	"PRAGMA user_version = 4;\n";

/*
 * Version 5: runs.rank holds each algorithm's modules once, without
 * values ("algorithms"), in place of every test case's modules
 * ("testcases"), which cost megabytes a run at 10^5 test cases. No column
 * changes and rows written before stay as they are (the reports read both
 * layouts); the version tells an older bench, which reads only
 * "testcases", not to render the newer rows.
 */
static const char store_migrate_v5[] =
	"PRAGMA user_version = 5;\n";

static const char *const store_migrations[STORE_SCHEMA_VERSION] = {
	NULL,		/* store_schema_v1 + statuses + store_schema_v1_tail */
	store_migrate_v2,
	store_migrate_v3,
	store_migrate_v4,
	store_migrate_v5,
};

/* The statements kept prepared for the connection's lifetime. */
enum store_stmt {
	S_BEGIN,
	S_COMMIT,
	S_ROLLBACK,
	S_RUN_CREATE,
	S_RUN_FINISH,
	S_RUN_WORKERS,
	S_UNIT_ADD,
	S_UNIT_START,
	S_UNIT_FINISH,
	S_UNIT_RAN,
	S_METRIC_ADD,
	S_TC_METRIC_SET,
	S_SAMPLE_ADD,
	S_EVENT_ADD,
	S_RUNS_LIST,
	S_RUN_GET,
	S_LAST_RUN,
	S_UNITS_LIST,
	S_UNIT_METRICS,
	S_TC_METRICS,
	S_PROFILE_PUT,
	S_PROFILE_GET,
	S_RUN_RANK,
	S_RUN_MSTATE,
	S_SAMPLES,
	S_UNIT_COPY,
	S_METRICS_COPY,
	S_MEASURED_TWICE,
	S__COUNT
};

/* Columns of a run row, in the order store_run_walk reads them. */
#define RUN_SELECT \
	"SELECT r.id, r.job_name, r.job_sha256, r.mode, r.launcher, r.host," \
	" r.status, r.fingerprint_id, r.workspace, r.workers, r.started_at," \
	" r.finished_at, r.rank, r.fingerprint, r.job_path, r.labels," \
	" r.machine_state, count(u.id)," \
	" count(CASE WHEN u.status = 'ok' THEN 1 END)," \
	" count(CASE WHEN u.status NOT IN ('ok', 'skipped', 'pending'," \
	" 'running') THEN 1 END)" \
	" FROM runs r LEFT JOIN units u ON u.run_id = r.id"

static const char *const store_sql[S__COUNT] = {
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	[S_RUN_CREATE] =
	    "INSERT INTO runs (job_name, job_sha256, job_path, mode, workers,"
	    " launcher, host, fingerprint, fingerprint_id, argv, workspace,"
	    " bench_version, started_at, labels, machine_state, status)"
	    " VALUES (:job_name, :job_sha256, :job_path, :mode, :workers,"
	    " :launcher, :host, :fingerprint, :fingerprint_id, :argv,"
	    " :workspace, :bench_version, :started_at, :labels,"
	    " :machine_state, 'running')",
	[S_RUN_FINISH] =
	    "UPDATE runs SET status = :status, finished_at = :finished_at"
	    " WHERE id = :id",
	[S_RUN_WORKERS] = "UPDATE runs SET workers = :workers WHERE id = :id",
	[S_UNIT_ADD] =
	    "INSERT INTO units (run_id, testcase, algorithm, paradigm, params,"
	    " key, log_path, part, nparts, rep, seed, warmup, status)"
	    " VALUES (:run_id, :testcase, :algorithm, :paradigm, :params,"
	    " :key, :log_path, :part, :nparts, :rep, :seed, :warmup,"
	    " 'pending')",
	[S_UNIT_START] =
	    "UPDATE units SET status = 'running', attempts = :attempt,"
	    " worker_slot = :worker_slot, pid = :pid, started_at = :started_at,"
	    " finished_at = NULL, wall_s = NULL, cpu_user_s = NULL,"
	    " cpu_sys_s = NULL, maxrss_kb = NULL, vram_peak_mb = NULL,"
	    " exit_code = NULL, signal = NULL, co_running = NULL, error = NULL"
	    " WHERE id = :id",
	[S_UNIT_FINISH] =
	    "UPDATE units SET status = :status, finished_at = :finished_at,"
	    " wall_s = :wall_s, cpu_user_s = :cpu_user_s,"
	    " cpu_sys_s = :cpu_sys_s, maxrss_kb = :maxrss_kb,"
	    " vram_peak_mb = :vram_peak_mb, exit_code = :exit_code,"
	    " signal = :signal, co_running = :co_running, error = :error,"
	    " host = :host WHERE id = :id",
	[S_UNIT_RAN] =
	    "UPDATE units SET status = :status, attempts = :attempt,"
	    " worker_slot = :worker_slot, pid = :pid, started_at = :started_at,"
	    " finished_at = :finished_at,"
	    " wall_s = :wall_s, cpu_user_s = :cpu_user_s,"
	    " cpu_sys_s = :cpu_sys_s, maxrss_kb = :maxrss_kb,"
	    " vram_peak_mb = :vram_peak_mb, exit_code = :exit_code,"
	    " signal = :signal, co_running = :co_running, error = :error,"
	    " host = :host WHERE id = :id",
	[S_METRIC_ADD] =
	    "INSERT OR REPLACE INTO metrics (unit_id, name, value, timing)"
	    " VALUES (:unit_id, :name, :value, :timing)",
	[S_TC_METRIC_SET] =
	    "INSERT OR REPLACE INTO testcase_metrics (run_id, testcase, name,"
	    " value, timing) VALUES (:run_id, :testcase, :name, :value,"
	    " :timing)",
	[S_SAMPLE_ADD] =
	    "INSERT INTO samples (unit_id, t, rss_kb, cpu_pct, vram_mb,"
	    " gpu_util) VALUES (:unit_id, :t, :rss_kb, :cpu_pct, :vram_mb,"
	    " :gpu_util)",
	[S_EVENT_ADD] =
	    "INSERT INTO events (run_id, unit_id, t, kind, detail)"
	    " VALUES (:run_id, :unit_id, :t, :kind, :detail)",
	[S_RUNS_LIST] =
	    RUN_SELECT
	    " WHERE :job_name IS NULL OR r.job_name = :job_name"
	    " GROUP BY r.id ORDER BY r.id",
	[S_RUN_GET] = RUN_SELECT " WHERE r.id = :id GROUP BY r.id",
	[S_LAST_RUN] =
	    "SELECT id FROM runs"
	    " WHERE :job_name IS NULL OR job_name = :job_name"
	    " ORDER BY id DESC LIMIT 1",
	[S_UNITS_LIST] =
	    "SELECT id, run_id, testcase, algorithm, paradigm, params, key,"
	    " status, error, log_path, part, nparts, rep, attempts,"
	    " worker_slot, exit_code, signal, co_running, started_at,"
	    " finished_at, wall_s, cpu_user_s, cpu_sys_s, maxrss_kb,"
	    " vram_peak_mb, seed, host, warmup"
	    " FROM units WHERE run_id = :run_id ORDER BY id",
	[S_UNIT_METRICS] =
	    "SELECT m.unit_id, u.testcase, m.name, m.value, m.timing"
	    " FROM units u JOIN metrics m ON m.unit_id = u.id"
	    " WHERE u.run_id = :run_id ORDER BY m.unit_id, m.name",
	[S_TC_METRICS] =
	    "SELECT testcase, name, value, timing FROM testcase_metrics"
	    " WHERE run_id = :run_id ORDER BY testcase, name",
	[S_PROFILE_PUT] =
	    "INSERT OR REPLACE INTO profiles (key, host, peak_rss_kb,"
	    " peak_vram_mb, wall_s, measured_at) VALUES (:key, :host,"
	    " :peak_rss_kb, :peak_vram_mb, :wall_s, :measured_at)",
	[S_PROFILE_GET] =
	    "SELECT peak_rss_kb, peak_vram_mb, wall_s, measured_at"
	    " FROM profiles WHERE key = :key AND host = :host",
	[S_RUN_RANK] = "UPDATE runs SET rank = :rank WHERE id = :id",
	[S_RUN_MSTATE] =
	    "UPDATE runs SET machine_state = :machine_state WHERE id = :id",
	[S_SAMPLES] =
	    "SELECT s.unit_id, s.t, s.rss_kb, s.cpu_pct, s.vram_mb, s.gpu_util"
	    " FROM units u JOIN samples s ON s.unit_id = u.id"
	    " WHERE u.run_id = :run_id ORDER BY s.unit_id, s.t",
	[S_UNIT_COPY] =
	    "INSERT INTO units (run_id, testcase, algorithm, paradigm, params,"
	    " key, part, nparts, rep, seed, status, attempts, worker_slot, pid,"
	    " started_at, finished_at, wall_s, cpu_user_s, cpu_sys_s,"
	    " maxrss_kb, vram_peak_mb, exit_code, signal, co_running, error,"
	    " log_path, warmup)"
	    " SELECT :run_id, testcase, algorithm, paradigm, params, key, part,"
	    " nparts, rep, seed, status, attempts, worker_slot, pid,"
	    " started_at, finished_at, wall_s, cpu_user_s, cpu_sys_s,"
	    " maxrss_kb, vram_peak_mb, exit_code, signal, co_running, error,"
	    " log_path, warmup FROM units WHERE id = :id",
	[S_METRICS_COPY] =
	    "INSERT INTO metrics (unit_id, name, value, timing)"
	    " SELECT :new_id, name, value, timing FROM metrics"
	    " WHERE unit_id = :id",
	[S_MEASURED_TWICE] =
	    "SELECT 1 FROM units"
	    " WHERE run_id = :run_id AND status = 'ok' AND warmup = 0"
	    " GROUP BY testcase HAVING count(*) >= 2 LIMIT 1",
};

struct store {
	sqlite3		*db;
	char		*path;
	int		 depth;			/* store_begin nesting */
	sqlite3_stmt	*stmt[S__COUNT];
	int		 busy[S__COUNT];	/* stmt[i] is being walked */
	store_wait_fn	 wait;		/* store_set_busy_wait */
	void		*wait_data;
	double		 busy_since;	/* monotonic s of the first retry */
};

/* Monotonic seconds. */
static double
store_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* SQLite's busy handler with a wait function: the caller's loop runs
   while the lock is held, for STORE_BUSY_TIMEOUT_MS in all. */
static int
store_on_busy(void *arg, int count)
{
	struct store *st = arg;

	if (count == 0)
		st->busy_since = store_now();
	else if (store_now() - st->busy_since >= STORE_BUSY_TIMEOUT_MS /
	    1000.0)
		return 0;	/* SQLITE_BUSY */
	st->wait(st->wait_data, 0.01);
	return 1;
}

/* Set or clear the wait function of a locked database. */
void
store_set_busy_wait(struct store *st, store_wait_fn wait, void *data)
{
	st->wait = wait;
	st->wait_data = data;
	if (wait != NULL)
		sqlite3_busy_handler(st->db, store_on_busy, st);
	else
		sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
}

/* Report a failed SQLite call: what, errmsg, rc, extended code, SQL. */
static int __attribute__((format(printf, 5, 0)))
db_verr(struct store *st, int rc, const char *sql, char **cause,
    const char *fmt, va_list ap)
{
	char *what;
	const char *msg;
	int xrc;

	what = xvasprintf(fmt, ap);
	if (st->db != NULL) {
		msg = sqlite3_errmsg(st->db);
		xrc = sqlite3_extended_errcode(st->db);
	} else {
		msg = sqlite3_errstr(rc);
		xrc = rc;
	}
	if (xrc == SQLITE_OK)
		xrc = rc;
	err_set(cause, "database '%s': %s: %s (rc %d, extended %d)%s%s",
	    st->path, what, msg, rc & 0xff, xrc, sql == NULL ? "" : " in: ",
	    sql == NULL ? "" : sql);
	free(what);
	return -1;
}

/* Report a failed SQLite call; sql may be NULL. Returns -1. */
static int __attribute__((format(printf, 5, 6)))
db_err(struct store *st, int rc, const char *sql, char **cause,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	db_verr(st, rc, sql, cause, fmt, ap);
	va_end(ap);
	return -1;
}

/* Prepare one statement; trailing text after it is a bug. */
static int
db_prepare(struct store *st, const char *sql, unsigned int flags,
    sqlite3_stmt **out, char **cause)
{
	const char *tail;
	int rc;

	*out = NULL;
	rc = sqlite3_prepare_v3(st->db, sql, -1, flags, out, &tail);
	if (rc != SQLITE_OK)
		return db_err(st, rc, sql, cause, "prepare");
	if (*out == NULL)
		BUG("empty statement: %s", sql);
	tail += strspn(tail, " \t\n");
	if (*tail != '\0')
		BUG("trailing text after statement: %s", sql);
	return 0;
}

/* Run every statement of sql in turn, discarding rows. */
static int
db_exec(struct store *st, const char *sql, const char *what, char **cause)
{
	sqlite3_stmt *s;
	const char *next;
	int rc;

	while (*(sql += strspn(sql, " \t\n")) != '\0') {
		rc = sqlite3_prepare_v2(st->db, sql, -1, &s, &next);
		if (rc != SQLITE_OK)
			return db_err(st, rc, sql, cause, "%s", what);
		if (s == NULL)
			break;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW)
			;
		if (rc != SQLITE_DONE) {
			db_err(st, rc, sqlite3_sql(s), cause, "%s", what);
			sqlite3_finalize(s);
			return -1;
		}
		sqlite3_finalize(s);
		sql = next;
	}
	return 0;
}

/* Run a one-row query (a pragma) and read its first column as an integer. */
static int
db_query_int(struct store *st, const char *sql, int64_t *out, char **cause)
{
	sqlite3_stmt *s;
	int rc;

	if (db_prepare(st, sql, 0, &s, cause) != 0)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(s, 0);
	else {
		db_err(st, rc == SQLITE_DONE ? SQLITE_ERROR : rc, sql, cause,
		    "read");
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return 0;
}

/* Turn a stray commit into a rollback while a transaction is ours. */
static int
store_commit_hook(void *arg)
{
	struct store *st = arg;

	/*
	 * Our own COMMIT runs at depth 0. A commit at depth > 0 is an
	 * autocommit write after SQLite rolled the transaction back by itself
	 * (disk full, I/O error): refuse it rather than commit half a batch.
	 */
	return st->depth > 0;
}

/* Take a kept statement; if a callback re-entered, prepare a fresh one. */
static sqlite3_stmt *
stmt_get(struct store *st, enum store_stmt id, char **cause)
{
	sqlite3_stmt *s;

	if (!st->busy[id]) {
		st->busy[id] = 1;
		return st->stmt[id];
	}
	if (db_prepare(st, store_sql[id], 0, &s, cause) != 0)
		return NULL;
	return s;
}

/* Give back a statement taken by stmt_get: reset and unbind it. */
static void
stmt_put(struct store *st, enum store_stmt id, sqlite3_stmt *s)
{
	if (s == NULL)
		return;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (s == st->stmt[id])
		st->busy[id] = 0;
	else
		sqlite3_finalize(s);
}

/* The index of a named parameter; an unknown name is a bug. */
static int
bind_index(sqlite3_stmt *s, const char *name)
{
	int i;

	if ((i = sqlite3_bind_parameter_index(s, name)) == 0)
		BUG("no parameter %s in: %s", name, sqlite3_sql(s));
	return i;
}

/* Check a bind result. */
static int
bind_check(struct store *st, sqlite3_stmt *s, int rc, const char *name,
    char **cause)
{
	if (rc != SQLITE_OK)
		return db_err(st, rc, sqlite3_sql(s), cause, "bind %s", name);
	return 0;
}

/* Bind text (NULL binds NULL); the string must live until stmt_put. */
static int
bind_text(struct store *st, sqlite3_stmt *s, const char *name,
    const char *v, char **cause)
{
	int i = bind_index(s, name), rc;

	if (v == NULL)
		rc = sqlite3_bind_null(s, i);
	else
		rc = sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	return bind_check(st, s, rc, name, cause);
}

/* Bind an integer, or NULL when isnull. */
static int
bind_int(struct store *st, sqlite3_stmt *s, const char *name, int64_t v,
    int isnull, char **cause)
{
	int i = bind_index(s, name), rc;

	if (isnull)
		rc = sqlite3_bind_null(s, i);
	else
		rc = sqlite3_bind_int64(s, i, v);
	return bind_check(st, s, rc, name, cause);
}

/* Bind a real; NAN binds NULL. */
static int
bind_real(struct store *st, sqlite3_stmt *s, const char *name, double v,
    char **cause)
{
	int i = bind_index(s, name), rc;

	if (isnan(v))
		rc = sqlite3_bind_null(s, i);
	else
		rc = sqlite3_bind_double(s, i, v);
	return bind_check(st, s, rc, name, cause);
}

/* A text column; NULL stays NULL. */
static const char *
col_text(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

/* An integer column; NULL reads null_value. */
static int64_t
col_int(sqlite3_stmt *s, int i, int64_t null_value)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return null_value;
	return sqlite3_column_int64(s, i);
}

/* A real column; NULL reads NAN. */
static double
col_real(sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return NAN;
	return sqlite3_column_double(s, i);
}

/* Step a write statement to completion; fmt says what it does. */
static int __attribute__((format(printf, 4, 5)))
step_done(struct store *st, sqlite3_stmt *s, char **cause,
    const char *fmt, ...)
{
	va_list ap;
	int rc;

	if ((rc = sqlite3_step(s)) == SQLITE_DONE)
		return 0;
	va_start(ap, fmt);
	db_verr(st, rc, sqlite3_sql(s), cause, fmt, ap);
	va_end(ap);
	return -1;
}

/* Step an UPDATE of one row by id; no such row is an error. */
static int
step_update(struct store *st, sqlite3_stmt *s, const char *what,
    const char *table, int64_t id, char **cause)
{
	if (step_done(st, s, cause, "%s %lld", what, (long long)id) != 0)
		return -1;
	if (sqlite3_changes(st->db) == 0) {
		return err_set(cause, "database '%s': %s %lld: no such %s",
		    st->path, what, (long long)id, table);
	}
	return 0;
}

/* Create every missing parent directory of path, mode 0700. */
static int
make_parents(const char *path, char **cause)
{
	char *copy, *p;

	copy = xstrdup(path);
	for (p = copy + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(copy, 0700) != 0 && errno != EEXIST) {
			err_errno(cause, "database '%s': cannot create "
			    "directory '%s'", path, copy);
			free(copy);
			return -1;
		}
		*p = '/';
	}
	free(copy);
	return 0;
}

/* Create the file mode 0600 if missing; check it is a writable file. */
static int
make_file(const char *path, char **cause)
{
	struct stat sb;
	int fd;

	do
		fd = open(path, O_RDWR|O_CREAT|O_CLOEXEC|O_NOCTTY, 0600);
	while (fd == -1 && errno == EINTR);
	if (fd == -1)
		return err_errno(cause, "cannot open database '%s'", path);
	if (fstat(fd, &sb) != 0) {
		err_errno(cause, "cannot stat database '%s'", path);
		close(fd);
		return -1;
	}
	close(fd);
	if (!S_ISREG(sb.st_mode))
		return err_set(cause, "database '%s' is not a file", path);
	return 0;
}

/* Set every connection option: limits, safety, journal, keys. */
static int
store_configure(struct store *st, char **cause)
{
	static const struct {
		int	    op;
		int	    value;
		const char *name;
	} flags[] = {
		{ SQLITE_DBCONFIG_DEFENSIVE, 1, "defensive" },
		{ SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, "trusted_schema" },
		{ SQLITE_DBCONFIG_DQS_DML, 0, "dqs_dml" },
		{ SQLITE_DBCONFIG_DQS_DDL, 0, "dqs_ddl" },
		{ SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, "load_extension" },
	};
	sqlite3_stmt *s;
	const char *mode;
	int64_t fk;
	size_t i;
	int rc, got;

	sqlite3_extended_result_codes(st->db, 1);
	if ((rc = sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS)) != 0)
		return db_err(st, rc, NULL, cause, "set busy timeout");
	for (i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		rc = sqlite3_db_config(st->db, flags[i].op, flags[i].value,
		    &got);
		if (rc != SQLITE_OK || got != flags[i].value) {
			return db_err(st, rc == SQLITE_OK ? SQLITE_ERROR : rc,
			    NULL, cause, "set %s", flags[i].name);
		}
	}
	sqlite3_commit_hook(st->db, store_commit_hook, st);

	/* WAL may be impossible (network filesystem): say so, don't go on. */
	if (db_prepare(st, "PRAGMA journal_mode = WAL", 0, &s, cause) != 0)
		return -1;
	if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
		db_err(st, rc, sqlite3_sql(s), cause, "set journal mode");
		sqlite3_finalize(s);
		return -1;
	}
	mode = col_text(s, 0);
	if (mode == NULL || strcmp(mode, "wal") != 0) {
		err_set(cause, "database '%s': cannot use WAL journal mode "
		    "(got '%s')", st->path, mode == NULL ? "" : mode);
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);

	/* synchronous=NORMAL: power loss may lose commits, never corrupts. */
	if (db_exec(st, "PRAGMA synchronous = NORMAL", "set synchronous",
	    cause) != 0)
		return -1;
	if (db_exec(st, "PRAGMA foreign_keys = ON", "set foreign keys",
	    cause) != 0)
		return -1;
	if (db_query_int(st, "PRAGMA foreign_keys", &fk, cause) != 0)
		return -1;
	if (fk != 1) {
		return err_set(cause, "database '%s': cannot enable foreign "
		    "keys", st->path);
	}
	return 0;
}

/* Check the schema version of an open database is one we can use. */
static int
store_check_version(struct store *st, int64_t *version, char **cause)
{
	int64_t app;

	if (db_query_int(st, "PRAGMA application_id", &app, cause) != 0)
		return -1;
	if (app != 0 && app != STORE_APPLICATION_ID) {
		return err_set(cause, "database '%s' is not a bench database "
		    "(application id %lld)", st->path, (long long)app);
	}
	if (db_query_int(st, "PRAGMA user_version", version, cause) != 0)
		return -1;
	if (*version > STORE_SCHEMA_VERSION) {
		return err_set(cause, "database '%s' has schema version %lld, "
		    "newer than this bench (%d): upgrade bench", st->path,
		    (long long)*version, STORE_SCHEMA_VERSION);
	}
	if (*version < 0) {
		return err_set(cause, "database '%s' has an invalid schema "
		    "version %lld", st->path, (long long)*version);
	}
	return 0;
}

/* Take the schema from version to version + 1. */
static int
store_migrate_step(struct store *st, int64_t version, char **cause)
{
	char *list, *sql;
	int rc;

	if (version != 0)
		return db_exec(st, store_migrations[version], "migrate schema",
		    cause);
	list = unit_status_sql_check("status");
	sql = xasprintf("%s%s%s", store_schema_v1, list, store_schema_v1_tail);
	rc = db_exec(st, sql, "create schema", cause);
	free(list);
	free(sql);
	return rc;
}

/* Create or migrate the schema up to STORE_SCHEMA_VERSION. */
static int
store_migrate(struct store *st, char **cause)
{
	int64_t version, tables;

	if (store_check_version(st, &version, cause) != 0)
		return -1;
	if (version == STORE_SCHEMA_VERSION)
		return 0;

	/* Another bench may be creating it too: look again once locked. */
	if (db_exec(st, "BEGIN IMMEDIATE", "lock to create schema",
	    cause) != 0)
		return -1;
	if (store_check_version(st, &version, cause) != 0)
		goto fail;
	if (version == 0) {
		if (db_query_int(st, "SELECT count(*) FROM sqlite_master",
		    &tables, cause) != 0)
			goto fail;
		if (tables != 0) {
			err_set(cause, "database '%s' is not a bench database "
			    "(it has tables but no schema version)", st->path);
			goto fail;
		}
	}
	for (; version < STORE_SCHEMA_VERSION; version++) {
		if (store_migrate_step(st, version, cause) != 0)
			goto fail;
	}
	if (store_check_version(st, &version, cause) != 0)
		goto fail;
	if (version != STORE_SCHEMA_VERSION)
		BUG("migration left schema version %lld", (long long)version);
	if (db_exec(st, "COMMIT", "commit schema", cause) != 0)
		goto fail;
	return 0;

fail:
	if (!sqlite3_get_autocommit(st->db))
		db_exec(st, "ROLLBACK", "rollback schema", NULL);
	return -1;
}

/* Open or create the database at path; see store.h. */
int
store_open(const char *path, struct store **out, char **cause)
{
	struct store *st;
	int rc, i;

	*out = NULL;
	if (path == NULL || *path == '\0')
		return err_set(cause, "no database path");
	if (make_parents(path, cause) != 0 || make_file(path, cause) != 0)
		return -1;

	st = xcalloc(1, sizeof *st);
	st->path = xstrdup(path);
	rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK) {
		db_err(st, rc, NULL, cause, "cannot open");
		goto fail;
	}
	if (store_configure(st, cause) != 0 || store_migrate(st, cause) != 0)
		goto fail;
	for (i = 0; i < S__COUNT; i++) {
		if (db_prepare(st, store_sql[i], SQLITE_PREPARE_PERSISTENT,
		    &st->stmt[i], cause) != 0)
			goto fail;
	}
	*out = st;
	return 0;

fail:
	store_close(st);
	return -1;
}

/* Finalize every statement and close; see store.h. */
void
store_close(struct store *st)
{
	sqlite3_stmt *s;
	int i;

	if (st == NULL)
		return;
	if (st->db != NULL) {
		store_rollback(st);
		for (i = 0; i < S__COUNT; i++)
			sqlite3_finalize(st->stmt[i]);
		/* A statement left behind would make close fail: a bug. */
		while ((s = sqlite3_next_stmt(st->db, NULL)) != NULL)
			sqlite3_finalize(s);
		if (sqlite3_close(st->db) != SQLITE_OK)
			BUG("sqlite3_close: %s", sqlite3_errmsg(st->db));
	}
	free(st->path);
	free(st);
}

/* Step one of the kept transaction statements. */
static int
store_txn(struct store *st, enum store_stmt id, char **cause)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = stmt_get(st, id, cause)) == NULL)
		return -1;
	if ((rc = sqlite3_step(s)) != SQLITE_DONE)
		db_err(st, rc, sqlite3_sql(s), cause, "transaction");
	stmt_put(st, id, s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Open a transaction, or nest in the current one. */
int
store_begin(struct store *st, char **cause)
{
	if (st->depth == 0 && store_txn(st, S_BEGIN, cause) != 0)
		return -1;
	st->depth++;
	return 0;
}

/* Close one nesting level; the outermost commits. */
int
store_commit(struct store *st, char **cause)
{
	if (st->depth == 0) {
		return err_set(cause, "database '%s': commit outside a "
		    "transaction", st->path);
	}
	if (--st->depth > 0)
		return 0;
	if (store_txn(st, S_COMMIT, cause) != 0) {
		if (!sqlite3_get_autocommit(st->db))
			store_txn(st, S_ROLLBACK, NULL);
		return -1;
	}
	return 0;
}

/* Roll back the whole transaction whatever the depth; see store.h. */
void
store_rollback(struct store *st)
{
	if (st == NULL || st->depth == 0)
		return;
	st->depth = 0;
	if (!sqlite3_get_autocommit(st->db))
		store_txn(st, S_ROLLBACK, NULL);
}

/* Insert a run with status 'running'. */
int
store_run_create(struct store *st, const struct store_run_info *info,
    int64_t *run_id, char **cause)
{
	sqlite3_stmt *s;
	int ret = -1;

	if ((s = stmt_get(st, S_RUN_CREATE, cause)) == NULL)
		return -1;
	if (bind_text(st, s, ":job_name", info->job_name, cause) != 0 ||
	    bind_text(st, s, ":job_sha256", info->job_sha256, cause) != 0 ||
	    bind_text(st, s, ":job_path", info->job_path, cause) != 0 ||
	    bind_text(st, s, ":mode", info->mode, cause) != 0 ||
	    bind_int(st, s, ":workers", info->workers, 0, cause) != 0 ||
	    bind_text(st, s, ":launcher", info->launcher, cause) != 0 ||
	    bind_text(st, s, ":host", info->host, cause) != 0 ||
	    bind_text(st, s, ":fingerprint", info->fingerprint, cause) != 0 ||
	    bind_text(st, s, ":fingerprint_id", info->fingerprint_id,
	    cause) != 0 ||
	    bind_text(st, s, ":argv", info->argv, cause) != 0 ||
	    bind_text(st, s, ":workspace", info->workspace, cause) != 0 ||
	    bind_text(st, s, ":bench_version", info->bench_version,
	    cause) != 0 ||
	    bind_real(st, s, ":started_at", info->started_at, cause) != 0 ||
	    bind_text(st, s, ":labels", info->labels, cause) != 0 ||
	    bind_text(st, s, ":machine_state", info->machine_state,
	    cause) != 0)
		goto out;
	if (step_done(st, s, cause, "create run of job '%s'",
	    info->job_name == NULL ? "" : info->job_name) != 0)
		goto out;
	*run_id = sqlite3_last_insert_rowid(st->db);
	ret = 0;
out:
	stmt_put(st, S_RUN_CREATE, s);
	return ret;
}

/* Set a run's final status and finished_at. */
int
store_run_finish(struct store *st, int64_t run_id, const char *status,
    double finished_at, char **cause)
{
	sqlite3_stmt *s;
	int ret = -1;

	if ((s = stmt_get(st, S_RUN_FINISH, cause)) == NULL)
		return -1;
	if (bind_text(st, s, ":status", status, cause) == 0 &&
	    bind_real(st, s, ":finished_at", finished_at, cause) == 0 &&
	    bind_int(st, s, ":id", run_id, 0, cause) == 0)
		ret = step_update(st, s, "finish run", "run", run_id, cause);
	stmt_put(st, S_RUN_FINISH, s);
	return ret;
}

/* Set a run's worker count. */
int
store_run_set_workers(struct store *st, int64_t run_id, int workers,
    char **cause)
{
	sqlite3_stmt *s;
	int ret = -1;

	if ((s = stmt_get(st, S_RUN_WORKERS, cause)) == NULL)
		return -1;
	if (bind_int(st, s, ":workers", workers, 0, cause) == 0 &&
	    bind_int(st, s, ":id", run_id, 0, cause) == 0) {
		ret = step_update(st, s, "set workers of run", "run", run_id,
		    cause);
	}
	stmt_put(st, S_RUN_WORKERS, s);
	return ret;
}

/* Set a run's rank settings (JSON object text; NULL clears). */
int
store_run_set_rank(struct store *st, int64_t run_id, const char *rank,
    char **cause)
{
	sqlite3_stmt *s;
	int ret = -1;

	if ((s = stmt_get(st, S_RUN_RANK, cause)) == NULL)
		return -1;
	if (bind_text(st, s, ":rank", rank, cause) == 0 &&
	    bind_int(st, s, ":id", run_id, 0, cause) == 0)
		ret = step_update(st, s, "set rank of run", "run", run_id,
		    cause);
	stmt_put(st, S_RUN_RANK, s);
	return ret;
}

/* Set a run's machine state. */
int
store_run_set_machine_state(struct store *st, int64_t run_id,
    const char *state, char **cause)
{
	sqlite3_stmt *s;
	int ret = -1;

	if ((s = stmt_get(st, S_RUN_MSTATE, cause)) == NULL)
		return -1;
	if (bind_text(st, s, ":machine_state", state, cause) == 0 &&
	    bind_int(st, s, ":id", run_id, 0, cause) == 0)
		ret = step_update(st, s, "set machine state of run", "run",
		    run_id, cause);
	stmt_put(st, S_RUN_MSTATE, s);
	return ret;
}

/* The same 64 bits as a signed SQLite integer. */
static int64_t
seed_to_db(uint64_t seed)
{
	int64_t v;

	memcpy(&v, &seed, sizeof v);
	return v;
}

/* The seed back from its SQLite integer. */
static uint64_t
seed_from_db(int64_t v)
{
	uint64_t seed;

	memcpy(&seed, &v, sizeof seed);
	return seed;
}

/* Insert a unit with status 'pending'. */
int
store_unit_add(struct store *st, int64_t run_id,
    const struct store_unit_info *info, int64_t *unit_id, char **cause)
{
	sqlite3_stmt *s;
	int ret = -1;

	if ((s = stmt_get(st, S_UNIT_ADD, cause)) == NULL)
		return -1;
	if (bind_int(st, s, ":run_id", run_id, 0, cause) != 0 ||
	    bind_text(st, s, ":testcase", info->testcase, cause) != 0 ||
	    bind_text(st, s, ":algorithm", info->algorithm, cause) != 0 ||
	    bind_text(st, s, ":paradigm", info->paradigm, cause) != 0 ||
	    bind_text(st, s, ":params", info->params, cause) != 0 ||
	    bind_text(st, s, ":key", info->key, cause) != 0 ||
	    bind_text(st, s, ":log_path", info->log_path, cause) != 0 ||
	    bind_int(st, s, ":part", info->part, 0, cause) != 0 ||
	    bind_int(st, s, ":nparts", info->nparts, 0, cause) != 0 ||
	    bind_int(st, s, ":rep", info->rep, 0, cause) != 0 ||
	    bind_int(st, s, ":seed", seed_to_db(info->seed), 0, cause) != 0 ||
	    bind_int(st, s, ":warmup", info->warmup != 0, 0, cause) != 0)
		goto out;
	if (step_done(st, s, cause, "add unit to run %lld",
	    (long long)run_id) != 0)
		goto out;
	*unit_id = sqlite3_last_insert_rowid(st->db);
	ret = 0;
out:
	stmt_put(st, S_UNIT_ADD, s);
	return ret;
}

/* Mark a unit running; clears what an earlier attempt left. */
int
store_unit_start(struct store *st, int64_t unit_id, int attempt,
    int worker_slot, pid_t pid, double started_at, char **cause)
{
	sqlite3_stmt *s;
	int ret = -1;

	if ((s = stmt_get(st, S_UNIT_START, cause)) == NULL)
		return -1;
	if (bind_int(st, s, ":attempt", attempt, 0, cause) == 0 &&
	    bind_int(st, s, ":worker_slot", worker_slot, worker_slot < 0,
	    cause) == 0 &&
	    bind_int(st, s, ":pid", pid, pid <= 0, cause) == 0 &&
	    bind_real(st, s, ":started_at", started_at, cause) == 0 &&
	    bind_int(st, s, ":id", unit_id, 0, cause) == 0)
		ret = step_update(st, s, "start unit", "unit", unit_id, cause);
	stmt_put(st, S_UNIT_START, s);
	return ret;
}

/* The start of a unit's attempt, with its end (S_UNIT_RAN). */
static int
bind_unit_started(struct store *st, sqlite3_stmt *s,
    const struct store_unit_end *end, char **cause)
{
	if (bind_int(st, s, ":attempt", end->attempt, 0, cause) != 0 ||
	    bind_int(st, s, ":worker_slot", end->worker_slot,
	    end->worker_slot < 0, cause) != 0 ||
	    bind_int(st, s, ":pid", end->pid, end->pid <= 0, cause) != 0)
		return -1;
	return bind_real(st, s, ":started_at", end->started_at, cause);
}

/* Record how a unit ended. */
int
store_unit_finish(struct store *st, int64_t unit_id,
    const struct store_unit_end *end, char **cause)
{
	enum store_stmt id = end->started ? S_UNIT_RAN : S_UNIT_FINISH;
	sqlite3_stmt *s;
	int ret = -1;

	if ((s = stmt_get(st, id, cause)) == NULL)
		return -1;
	if ((!end->started || bind_unit_started(st, s, end, cause) == 0) &&
	    bind_text(st, s, ":status", end->status, cause) == 0 &&
	    bind_real(st, s, ":finished_at", end->finished_at, cause) == 0 &&
	    bind_real(st, s, ":wall_s", end->wall_s, cause) == 0 &&
	    bind_real(st, s, ":cpu_user_s", end->cpu_user_s, cause) == 0 &&
	    bind_real(st, s, ":cpu_sys_s", end->cpu_sys_s, cause) == 0 &&
	    bind_int(st, s, ":maxrss_kb", end->maxrss_kb, end->maxrss_kb < 0,
	    cause) == 0 &&
	    bind_real(st, s, ":vram_peak_mb", end->vram_peak_mb, cause) == 0 &&
	    bind_int(st, s, ":exit_code", end->exit_code, end->exit_code < 0,
	    cause) == 0 &&
	    bind_int(st, s, ":signal", end->signal, end->signal == 0,
	    cause) == 0 &&
	    bind_int(st, s, ":co_running", end->co_running, 0, cause) == 0 &&
	    bind_text(st, s, ":error", end->error, cause) == 0 &&
	    bind_text(st, s, ":host", end->host, cause) == 0 &&
	    bind_int(st, s, ":id", unit_id, 0, cause) == 0)
		ret = step_update(st, s, "finish unit", "unit", unit_id, cause);
	stmt_put(st, id, s);
	return ret;
}

/* Insert or replace a unit metric. */
int
store_metric_add(struct store *st, int64_t unit_id, const char *name,
    double value, int timing, char **cause)
{
	sqlite3_stmt *s;
	int ret = -1;

	if ((s = stmt_get(st, S_METRIC_ADD, cause)) == NULL)
		return -1;
	if (bind_int(st, s, ":unit_id", unit_id, 0, cause) == 0 &&
	    bind_text(st, s, ":name", name, cause) == 0 &&
	    bind_real(st, s, ":value", value, cause) == 0 &&
	    bind_int(st, s, ":timing", timing != 0, 0, cause) == 0)
		ret = step_done(st, s, cause, "add metric '%s' of unit %lld",
		    name == NULL ? "" : name, (long long)unit_id);
	stmt_put(st, S_METRIC_ADD, s);
	return ret;
}

/* Insert or replace a test-case metric of a run. */
int
store_testcase_metric_set(struct store *st, int64_t run_id,
    const char *testcase, const char *name, double value, int timing,
    char **cause)
{
	sqlite3_stmt *s;
	int ret = -1;

	if ((s = stmt_get(st, S_TC_METRIC_SET, cause)) == NULL)
		return -1;
	if (bind_int(st, s, ":run_id", run_id, 0, cause) == 0 &&
	    bind_text(st, s, ":testcase", testcase, cause) == 0 &&
	    bind_text(st, s, ":name", name, cause) == 0 &&
	    bind_real(st, s, ":value", value, cause) == 0 &&
	    bind_int(st, s, ":timing", timing != 0, 0, cause) == 0) {
		ret = step_done(st, s, cause, "set metric '%s' of test case "
		    "'%s' in run %lld", name == NULL ? "" : name,
		    testcase == NULL ? "" : testcase, (long long)run_id);
	}
	stmt_put(st, S_TC_METRIC_SET, s);
	return ret;
}

/* Insert a resource sample. */
int
store_sample_add(struct store *st, int64_t unit_id, double t,
    long rss_kb, double cpu_pct, double vram_mb, double gpu_util,
    char **cause)
{
	sqlite3_stmt *s;
	int ret = -1;

	if ((s = stmt_get(st, S_SAMPLE_ADD, cause)) == NULL)
		return -1;
	if (bind_int(st, s, ":unit_id", unit_id, 0, cause) == 0 &&
	    bind_real(st, s, ":t", t, cause) == 0 &&
	    bind_int(st, s, ":rss_kb", rss_kb, rss_kb < 0, cause) == 0 &&
	    bind_real(st, s, ":cpu_pct", cpu_pct, cause) == 0 &&
	    bind_real(st, s, ":vram_mb", vram_mb, cause) == 0 &&
	    bind_real(st, s, ":gpu_util", gpu_util, cause) == 0)
		ret = step_done(st, s, cause, "add sample of unit %lld",
		    (long long)unit_id);
	stmt_put(st, S_SAMPLE_ADD, s);
	return ret;
}

/* Insert an event; unit_id < 0 for the run itself. */
int
store_event_add(struct store *st, int64_t run_id, int64_t unit_id,
    double t, const char *kind, const char *detail, char **cause)
{
	sqlite3_stmt *s;
	int ret = -1;

	if ((s = stmt_get(st, S_EVENT_ADD, cause)) == NULL)
		return -1;
	if (bind_int(st, s, ":run_id", run_id, 0, cause) == 0 &&
	    bind_int(st, s, ":unit_id", unit_id, unit_id < 0, cause) == 0 &&
	    bind_real(st, s, ":t", t, cause) == 0 &&
	    bind_text(st, s, ":kind", kind, cause) == 0 &&
	    bind_text(st, s, ":detail", detail, cause) == 0)
		ret = step_done(st, s, cause, "add event of run %lld",
		    (long long)run_id);
	stmt_put(st, S_EVENT_ADD, s);
	return ret;
}

/* Walk the rows of a bound RUN_SELECT statement; *rows counts them. */
static int
store_run_walk(struct store *st, sqlite3_stmt *s, store_run_cb cb,
    void *data, int *rows, char **cause)
{
	struct store_run_row row;
	int rc, ret;

	*rows = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&row, 0, sizeof row);
		row.id = sqlite3_column_int64(s, 0);
		row.job_name = col_text(s, 1);
		row.job_sha256 = col_text(s, 2);
		row.mode = col_text(s, 3);
		row.launcher = col_text(s, 4);
		row.host = col_text(s, 5);
		row.status = col_text(s, 6);
		row.fingerprint_id = col_text(s, 7);
		row.workspace = col_text(s, 8);
		row.workers = (int)col_int(s, 9, -1);
		row.started_at = col_real(s, 10);
		row.finished_at = col_real(s, 11);
		row.rank = col_text(s, 12);
		row.fingerprint = col_text(s, 13);
		row.job_path = col_text(s, 14);
		row.labels = col_text(s, 15);
		row.machine_state = col_text(s, 16);
		row.units_total = (int)col_int(s, 17, 0);
		row.units_ok = (int)col_int(s, 18, 0);
		row.units_failed = (int)col_int(s, 19, 0);
		(*rows)++;
		if ((ret = cb(&row, data)) != 0)
			return ret;
	}
	if (rc != SQLITE_DONE)
		return db_err(st, rc, sqlite3_sql(s), cause, "list runs");
	return 0;
}

/* Every run, oldest first, of one job or all. */
int
store_runs_list(struct store *st, const char *job_name, store_run_cb cb,
    void *data, char **cause)
{
	sqlite3_stmt *s;
	int ret = -1, rows;

	if ((s = stmt_get(st, S_RUNS_LIST, cause)) == NULL)
		return -1;
	if (bind_text(st, s, ":job_name", job_name, cause) == 0)
		ret = store_run_walk(st, s, cb, data, &rows, cause);
	stmt_put(st, S_RUNS_LIST, s);
	return ret;
}

/* One run by id; a missing run is an error. */
int
store_run_get(struct store *st, int64_t run_id, store_run_cb cb,
    void *data, char **cause)
{
	sqlite3_stmt *s;
	int ret = -1, rows = 0;

	if ((s = stmt_get(st, S_RUN_GET, cause)) == NULL)
		return -1;
	if (bind_int(st, s, ":id", run_id, 0, cause) == 0)
		ret = store_run_walk(st, s, cb, data, &rows, cause);
	stmt_put(st, S_RUN_GET, s);
	if (ret == 0 && rows == 0) {
		return err_set(cause, "database '%s': no run %lld", st->path,
		    (long long)run_id);
	}
	return ret;
}

/* Id of the newest run, of one job or any; 0 when none. */
int
store_last_run(struct store *st, const char *job_name, int64_t *run_id,
    char **cause)
{
	sqlite3_stmt *s;
	int rc, ret = -1;

	if ((s = stmt_get(st, S_LAST_RUN, cause)) == NULL)
		return -1;
	if (bind_text(st, s, ":job_name", job_name, cause) != 0)
		goto out;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*run_id = sqlite3_column_int64(s, 0);
	else if (rc == SQLITE_DONE)
		*run_id = 0;
	else {
		db_err(st, rc, sqlite3_sql(s), cause, "find last run");
		goto out;
	}
	ret = 0;
out:
	stmt_put(st, S_LAST_RUN, s);
	return ret;
}

/* Does a test case of the run have two measured units? See store.h. */
int
store_run_measured_twice(struct store *st, int64_t run_id, int *yes,
    char **cause)
{
	sqlite3_stmt *s;
	int rc, ret = -1;

	if ((s = stmt_get(st, S_MEASURED_TWICE, cause)) == NULL)
		return -1;
	if (bind_int(st, s, ":run_id", run_id, 0, cause) != 0)
		goto out;
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_err(st, rc, sqlite3_sql(s), cause, "count measured units");
		goto out;
	}
	*yes = rc == SQLITE_ROW;
	ret = 0;
out:
	stmt_put(st, S_MEASURED_TWICE, s);
	return ret;
}

/* Units of a run in id order. */
int
store_units_list(struct store *st, int64_t run_id, store_unit_cb cb,
    void *data, char **cause)
{
	struct store_unit_row row;
	sqlite3_stmt *s;
	int rc, ret = -1;

	if ((s = stmt_get(st, S_UNITS_LIST, cause)) == NULL)
		return -1;
	if (bind_int(st, s, ":run_id", run_id, 0, cause) != 0)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&row, 0, sizeof row);
		row.id = sqlite3_column_int64(s, 0);
		row.run_id = sqlite3_column_int64(s, 1);
		row.testcase = col_text(s, 2);
		row.algorithm = col_text(s, 3);
		row.paradigm = col_text(s, 4);
		row.params = col_text(s, 5);
		row.key = col_text(s, 6);
		row.status = col_text(s, 7);
		row.error = col_text(s, 8);
		row.log_path = col_text(s, 9);
		row.part = (unsigned)col_int(s, 10, 0);
		row.nparts = (unsigned)col_int(s, 11, 0);
		row.rep = (unsigned)col_int(s, 12, 0);
		row.attempts = (int)col_int(s, 13, 0);
		row.worker_slot = (int)col_int(s, 14, -1);
		row.exit_code = (int)col_int(s, 15, -1);
		row.signal = (int)col_int(s, 16, 0);
		row.co_running = (int)col_int(s, 17, -1);
		row.started_at = col_real(s, 18);
		row.finished_at = col_real(s, 19);
		row.wall_s = col_real(s, 20);
		row.cpu_user_s = col_real(s, 21);
		row.cpu_sys_s = col_real(s, 22);
		row.maxrss_kb = (long)col_int(s, 23, -1);
		row.vram_peak_mb = col_real(s, 24);
		row.seed = seed_from_db(col_int(s, 25, 0));
		row.host = col_text(s, 26);
		row.warmup = (int)col_int(s, 27, 0);
		if ((ret = cb(&row, data)) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		ret = db_err(st, rc, sqlite3_sql(s), cause,
		    "list units of run %lld", (long long)run_id);
		goto out;
	}
	ret = 0;
out:
	stmt_put(st, S_UNITS_LIST, s);
	return ret;
}

/* Walk metric rows of a run: unit metrics or test-case metrics. */
static int
store_metric_walk(struct store *st, enum store_stmt id, int64_t run_id,
    store_metric_cb cb, void *data, char **cause)
{
	struct store_metric_row row;
	sqlite3_stmt *s;
	int rc, ret = -1, c;

	if ((s = stmt_get(st, id, cause)) == NULL)
		return -1;
	if (bind_int(st, s, ":run_id", run_id, 0, cause) != 0)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&row, 0, sizeof row);
		c = 0;
		if (id == S_UNIT_METRICS)
			row.unit_id = sqlite3_column_int64(s, c++);
		row.testcase = col_text(s, c++);
		row.name = col_text(s, c++);
		row.value = col_real(s, c++);
		row.timing = (int)col_int(s, c, 0);
		if ((ret = cb(&row, data)) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		ret = db_err(st, rc, sqlite3_sql(s), cause,
		    "list metrics of run %lld", (long long)run_id);
		goto out;
	}
	ret = 0;
out:
	stmt_put(st, id, s);
	return ret;
}

/* Unit metrics of a run, by unit id then name. */
int
store_unit_metrics_list(struct store *st, int64_t run_id,
    store_metric_cb cb, void *data, char **cause)
{
	return store_metric_walk(st, S_UNIT_METRICS, run_id, cb, data, cause);
}

/* Test-case metrics of a run, by test case then name. */
int
store_testcase_metrics_list(struct store *st, int64_t run_id,
    store_metric_cb cb, void *data, char **cause)
{
	return store_metric_walk(st, S_TC_METRICS, run_id, cb, data, cause);
}

/* Samples of a run's units, by unit id then time. */
int
store_samples_list(struct store *st, int64_t run_id, store_sample_cb cb,
    void *data, char **cause)
{
	struct store_sample_row row;
	sqlite3_stmt *s;
	int rc, ret = -1;

	if ((s = stmt_get(st, S_SAMPLES, cause)) == NULL)
		return -1;
	if (bind_int(st, s, ":run_id", run_id, 0, cause) != 0)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		row.unit_id = sqlite3_column_int64(s, 0);
		row.t = col_real(s, 1);
		row.rss_kb = (long)col_int(s, 2, -1);
		row.cpu_pct = col_real(s, 3);
		row.vram_mb = col_real(s, 4);
		row.gpu_util = col_real(s, 5);
		if ((ret = cb(&row, data)) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		ret = db_err(st, rc, sqlite3_sql(s), cause,
		    "list samples of run %lld", (long long)run_id);
		goto out;
	}
	ret = 0;
out:
	stmt_put(st, S_SAMPLES, s);
	return ret;
}

/* Run PRAGMA integrity_check and report what it found. */
int
store_integrity_check(struct store *st, char **cause)
{
	sqlite3_stmt *s;
	const char *line;
	char *found = NULL, *tmp;
	int rc, n = 0, ok = 0;

	if (db_prepare(st, "PRAGMA integrity_check", 0, &s, cause) != 0)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		line = col_text(s, 0);
		if (line == NULL)
			line = "";
		if (n == 0 && strcmp(line, "ok") == 0)
			ok = 1;
		else if (n < STORE_INTEGRITY_MAX) {
			tmp = found == NULL ? xstrdup(line) :
			    xasprintf("%s; %s", found, line);
			free(found);
			found = tmp;
		}
		n++;
	}
	if (rc != SQLITE_DONE) {
		db_err(st, rc, sqlite3_sql(s), cause, "check integrity");
		sqlite3_finalize(s);
		free(found);
		return -1;
	}
	sqlite3_finalize(s);
	if (ok && n == 1)
		return 0;
	err_set(cause, "database '%s' failed its integrity check: %s",
	    st->path, found == NULL ? "no answer" : found);
	free(found);
	return -1;
}

/* Insert or replace the profile of (key, host). */
int
store_profile_put(struct store *st, const char *key, const char *host,
    const struct store_profile *p, char **cause)
{
	sqlite3_stmt *s;
	int ret = -1;

	if (key == NULL || host == NULL) {
		return err_set(cause, "database '%s': a profile needs a key "
		    "and a host", st->path);
	}
	if ((s = stmt_get(st, S_PROFILE_PUT, cause)) == NULL)
		return -1;
	if (bind_text(st, s, ":key", key, cause) == 0 &&
	    bind_text(st, s, ":host", host, cause) == 0 &&
	    bind_int(st, s, ":peak_rss_kb", p->peak_rss_kb,
	    p->peak_rss_kb < 0, cause) == 0 &&
	    bind_real(st, s, ":peak_vram_mb", p->peak_vram_mb, cause) == 0 &&
	    bind_real(st, s, ":wall_s", p->wall_s, cause) == 0 &&
	    bind_real(st, s, ":measured_at", p->measured_at, cause) == 0)
		ret = step_done(st, s, cause, "put profile of '%s' on '%s'",
		    key, host);
	stmt_put(st, S_PROFILE_PUT, s);
	return ret;
}

/* Read the profile of (key, host): 1 found, 0 none, -1 error. */
int
store_profile_get(struct store *st, const char *key, const char *host,
    struct store_profile *p, char **cause)
{
	sqlite3_stmt *s;
	int rc, ret = -1;

	if ((s = stmt_get(st, S_PROFILE_GET, cause)) == NULL)
		return -1;
	if (bind_text(st, s, ":key", key, cause) != 0 ||
	    bind_text(st, s, ":host", host, cause) != 0)
		goto out;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		p->peak_rss_kb = (long)col_int(s, 0, -1);
		p->peak_vram_mb = col_real(s, 1);
		p->wall_s = col_real(s, 2);
		p->measured_at = col_real(s, 3);
		ret = 1;
	} else if (rc == SQLITE_DONE)
		ret = 0;
	else
		db_err(st, rc, sqlite3_sql(s), cause, "get profile");
out:
	stmt_put(st, S_PROFILE_GET, s);
	return ret;
}

/* Copy a finished unit of another run, with its metrics, into run_id. */
int
store_unit_copy(struct store *st, int64_t unit_id, int64_t run_id,
    int64_t *new_id, char **cause)
{
	sqlite3_stmt *s;
	int ret = -1;

	if ((s = stmt_get(st, S_UNIT_COPY, cause)) == NULL)
		return -1;
	if (bind_int(st, s, ":run_id", run_id, 0, cause) == 0 &&
	    bind_int(st, s, ":id", unit_id, 0, cause) == 0)
		ret = step_done(st, s, cause, "copy unit %lld into run %lld",
		    (long long)unit_id, (long long)run_id);
	stmt_put(st, S_UNIT_COPY, s);
	if (ret != 0)
		return -1;
	if (sqlite3_changes(st->db) != 1)
		return err_set(cause, "database '%s': no unit %lld to copy",
		    st->path, (long long)unit_id);
	*new_id = (int64_t)sqlite3_last_insert_rowid(st->db);
	if ((s = stmt_get(st, S_METRICS_COPY, cause)) == NULL)
		return -1;
	ret = -1;
	if (bind_int(st, s, ":new_id", *new_id, 0, cause) == 0 &&
	    bind_int(st, s, ":id", unit_id, 0, cause) == 0)
		ret = step_done(st, s, cause, "copy the metrics of unit %lld",
		    (long long)unit_id);
	stmt_put(st, S_METRICS_COPY, s);
	return ret;
}
