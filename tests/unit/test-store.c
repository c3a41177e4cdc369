/*
 * test-store: harness/store against a real database in a scratch directory
 * under /tmp. Round trips every table through the store API, checks NULLs
 * read back as documented, transactions nest, a reopened database keeps its
 * data, and bad paths, newer schemas and foreign files are refused. A raw
 * sqlite3 connection looks at what the store wrote (file mode, pragmas,
 * stored seed) and plants what the store must refuse.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store.h"
#include "xalloc.h"
#include "banned.h"

struct fx {
	char		 dir[64];
	char		*path;		/* dir/sub/deeper/bench.db */
	struct store	*st;
};

/* Remove one entry of the scratch tree. */
static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* Make a scratch directory and open a fresh store in a subdirectory. */
static int
setup(void **state)
{
	struct fx *fx;
	char *cause = NULL;

	fx = xcalloc(1, sizeof *fx);
	snprintf(fx->dir, sizeof fx->dir, "/tmp/test-store.XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	fx->path = xasprintf("%s/sub/deeper/bench.db", fx->dir);
	if (store_open(fx->path, &fx->st, &cause) != 0) {
		fprintf(stderr, "store_open: %s\n", cause);
		free(cause);
		return -1;
	}
	*state = fx;
	return 0;
}

/* Close the store and remove the scratch directory. */
static int
teardown(void **state)
{
	struct fx *fx = *state;

	store_close(fx->st);
	nftw(fx->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(fx->path);
	free(fx);
	return 0;
}

/* Open a raw connection to path. */
static sqlite3 *
raw_open(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

/* First column of the first row of sql, as an integer; NULL reads -999. */
static int64_t
raw_int(const char *path, const char *sql)
{
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *s;
	int64_t v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	if (sqlite3_column_type(s, 0) == SQLITE_NULL)
		v = -999;
	else
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* First column of the first row of sql, as text (allocated). */
static char *
raw_text(const char *path, const char *sql)
{
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *s;
	char *v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	v = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* Run sql on a raw connection. */
static void
raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = raw_open(path);

	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* A run as the controller would create it. */
static int64_t
make_run(struct store *st, const char *job, double started_at)
{
	struct store_run_info info = {
		.job_name = job,
		.job_sha256 = "ab12",
		.job_path = "/jobs/x.yaml",
		.mode = "parallel",
		.workers = 4,
		.launcher = "local",
		.host = "node1",
		.fingerprint = "{\"cpu\":\"x\"}",
		.fingerprint_id = "ff00",
		.argv = "[\"bench\",\"-f\",\"x.yaml\"]",
		.workspace = "/ws/1",
		.bench_version = "0.1.0",
		.started_at = started_at,
	};
	char *cause = NULL;
	int64_t id = 0;

	if (store_run_create(st, &info, &id, &cause) != 0)
		fail_msg("store_run_create: %s", cause);
	assert_true(id > 0);
	return id;
}

/* A unit of test case tc. */
static int64_t
make_unit(struct store *st, int64_t run_id, const char *tc, unsigned part,
    uint64_t seed)
{
	struct store_unit_info info = {
		.testcase = tc,
		.algorithm = "naive",
		.paradigm = "openmp",
		.params = "{\"n\":64}",
		.key = "k0",
		.log_path = "logs/u.log",
		.part = part,
		.nparts = 2,
		.rep = 1,
		.seed = seed,
	};
	char *cause = NULL;
	int64_t id = 0;

	if (store_unit_add(st, run_id, &info, &id, &cause) != 0)
		fail_msg("store_unit_add: %s", cause);
	assert_true(id > 0);
	return id;
}

/* A copy of a run row. */
struct run_copy {
	int		n;
	int64_t		id;
	char		job_name[64], job_sha256[64], mode[16], launcher[16];
	char		host[64], status[16], fingerprint_id[64], workspace[64];
	int		workers;
	double		started_at, finished_at;
	int		total, ok, failed;
};

/* Copy a possibly NULL string. */
static void
copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src == NULL ? "(null)" : src);
}

/* store_run_cb: copy the last row seen. */
static int
copy_run(const struct store_run_row *row, void *data)
{
	struct run_copy *c = data;

	c->n++;
	c->id = row->id;
	copy_str(c->job_name, sizeof c->job_name, row->job_name);
	copy_str(c->job_sha256, sizeof c->job_sha256, row->job_sha256);
	copy_str(c->mode, sizeof c->mode, row->mode);
	copy_str(c->launcher, sizeof c->launcher, row->launcher);
	copy_str(c->host, sizeof c->host, row->host);
	copy_str(c->status, sizeof c->status, row->status);
	copy_str(c->fingerprint_id, sizeof c->fingerprint_id,
	    row->fingerprint_id);
	copy_str(c->workspace, sizeof c->workspace, row->workspace);
	c->workers = row->workers;
	c->started_at = row->started_at;
	c->finished_at = row->finished_at;
	c->total = row->units_total;
	c->ok = row->units_ok;
	c->failed = row->units_failed;
	return 0;
}

/* Fetch one run into *c. */
static void
get_run(struct store *st, int64_t id, struct run_copy *c)
{
	char *cause = NULL;

	memset(c, 0, sizeof *c);
	if (store_run_get(st, id, copy_run, c, &cause) != 0)
		fail_msg("store_run_get: %s", cause);
	assert_int_equal(c->n, 1);
}

/* The database file is 0600 in 0700 directories, in WAL, version 1. */
static void
test_open_creates(void **state)
{
	struct fx *fx = *state;
	struct stat sb;
	char *sub, *mode;

	assert_int_equal(stat(fx->path, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0600);
	sub = xasprintf("%s/sub", fx->dir);
	assert_int_equal(stat(sub, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	free(sub);
	/* SQLite gives the WAL file the database's mode. */
	sub = xasprintf("%s-wal", fx->path);
	assert_int_equal(stat(sub, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	free(sub);

	assert_int_equal(raw_int(fx->path, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
	assert_int_equal(raw_int(fx->path, "PRAGMA application_id"),
	    0x42454e43);
	mode = raw_text(fx->path, "PRAGMA journal_mode");
	assert_string_equal(mode, "wal");
	free(mode);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'table' AND name IN ('runs', 'units', 'metrics',"
	    " 'testcase_metrics', 'samples', 'profiles', 'events')"), 7);
}

/* A run created, counted, finished and read back. */
static void
test_run_roundtrip(void **state)
{
	struct fx *fx = *state;
	struct store_unit_end end = {
		.status = "ok", .finished_at = 1005, .wall_s = 1,
		.cpu_user_s = 1, .cpu_sys_s = 0, .maxrss_kb = 10,
		.vram_peak_mb = NAN, .exit_code = 0,
	};
	struct run_copy c;
	char *cause = NULL;
	int64_t id, u1, u2;

	id = make_run(fx->st, "jobA", 1000.5);
	get_run(fx->st, id, &c);
	assert_int_equal(c.id, id);
	assert_string_equal(c.job_name, "jobA");
	assert_string_equal(c.job_sha256, "ab12");
	assert_string_equal(c.mode, "parallel");
	assert_string_equal(c.launcher, "local");
	assert_string_equal(c.host, "node1");
	assert_string_equal(c.status, "running");
	assert_string_equal(c.fingerprint_id, "ff00");
	assert_string_equal(c.workspace, "/ws/1");
	assert_int_equal(c.workers, 4);
	assert_true(c.started_at == 1000.5);
	assert_true(isnan(c.finished_at));
	assert_int_equal(c.total, 0);

	/* Counts: pending and running are neither ok nor failed. */
	u1 = make_unit(fx->st, id, "tc", 0, 1);
	u2 = make_unit(fx->st, id, "tc", 1, 2);
	make_unit(fx->st, id, "tc", 2, 3);
	make_unit(fx->st, id, "tc", 3, 4);
	assert_int_equal(store_unit_finish(fx->st, u1, &end, &cause), 0);
	end.status = "crashed";
	end.signal = 11;
	end.exit_code = -1;
	assert_int_equal(store_unit_finish(fx->st, u2, &end, &cause), 0);
	assert_int_equal(store_unit_start(fx->st, u2 + 1, 1, 0, 4242, 1001,
	    &cause), 0);

	assert_int_equal(store_run_set_workers(fx->st, id, 7, &cause), 0);
	assert_int_equal(store_run_finish(fx->st, id, "failed", 2000.25,
	    &cause), 0);
	get_run(fx->st, id, &c);
	assert_string_equal(c.status, "failed");
	assert_true(c.finished_at == 2000.25);
	assert_int_equal(c.workers, 7);
	assert_int_equal(c.total, 4);
	assert_int_equal(c.ok, 1);
	assert_int_equal(c.failed, 1);

	/* The columns users query are there by name. */
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM runs WHERE"
	    " job_path = '/jobs/x.yaml' AND fingerprint = '{\"cpu\":\"x\"}'"
	    " AND argv LIKE '[\"bench\"%' AND bench_version = '0.1.0'"), 1);
}

/* Bad values and missing rows fail with a message naming the database. */
static void
test_run_errors(void **state)
{
	struct fx *fx = *state;
	struct store_run_info info = {
		.job_name = "j", .job_sha256 = "s", .mode = "sideways",
		.workers = 1, .launcher = "local", .started_at = 1,
	};
	struct store_unit_info ui = { .testcase = "t" };
	struct run_copy c;
	char *cause = NULL;
	int64_t id = 0;

	assert_int_equal(store_run_create(fx->st, &info, &id, &cause), -1);
	assert_non_null(strstr(cause, "CHECK constraint failed"));
	assert_non_null(strstr(cause, fx->path));
	assert_non_null(strstr(cause, "INSERT INTO runs"));
	assert_non_null(strstr(cause, "rc 19"));
	free(cause);
	cause = NULL;

	info.mode = "serial";
	info.job_name = NULL;
	assert_int_equal(store_run_create(fx->st, &info, &id, &cause), -1);
	assert_non_null(strstr(cause, "NOT NULL constraint failed"));
	free(cause);
	cause = NULL;

	assert_int_equal(store_run_finish(fx->st, 999, "ok", 2, &cause), -1);
	assert_non_null(strstr(cause, "no such run"));
	free(cause);
	cause = NULL;

	id = make_run(fx->st, "j", 1);
	assert_int_equal(store_run_finish(fx->st, id, "bogus", 2, &cause), -1);
	assert_non_null(strstr(cause, "CHECK constraint failed"));
	free(cause);
	cause = NULL;

	assert_int_equal(store_run_set_workers(fx->st, 999, 2, &cause), -1);
	assert_non_null(strstr(cause, "no such run"));
	free(cause);
	cause = NULL;

	memset(&c, 0, sizeof c);
	assert_int_equal(store_run_get(fx->st, 999, copy_run, &c, &cause), -1);
	assert_non_null(strstr(cause, "no run 999"));
	assert_int_equal(c.n, 0);
	free(cause);
	cause = NULL;

	/* Foreign keys are on: a unit needs its run. */
	assert_int_equal(store_unit_add(fx->st, 999, &ui, &id, &cause), -1);
	assert_non_null(strstr(cause, "FOREIGN KEY constraint failed"));
	free(cause);
}

/* Copies of unit rows. */
struct unit_copy {
	int		n;
	struct store_unit_row row[8];
	char		status[8][16], error[8][64], testcase[8][32];
	char		params[8][32], key[8][16], log_path[8][32];
	char		algorithm[8][16], paradigm[8][16];
};

/* store_unit_cb: copy each row. */
static int
copy_unit(const struct store_unit_row *row, void *data)
{
	struct unit_copy *c = data;
	int i = c->n++;

	assert_true(i < 8);
	c->row[i] = *row;
	copy_str(c->status[i], sizeof c->status[i], row->status);
	copy_str(c->error[i], sizeof c->error[i], row->error);
	copy_str(c->testcase[i], sizeof c->testcase[i], row->testcase);
	copy_str(c->params[i], sizeof c->params[i], row->params);
	copy_str(c->key[i], sizeof c->key[i], row->key);
	copy_str(c->log_path[i], sizeof c->log_path[i], row->log_path);
	copy_str(c->algorithm[i], sizeof c->algorithm[i], row->algorithm);
	copy_str(c->paradigm[i], sizeof c->paradigm[i], row->paradigm);
	return 0;
}

/* Units go pending, running, finished; unknowns read back as documented. */
static void
test_units(void **state)
{
	struct fx *fx = *state;
	struct store_unit_end end = {
		.status = "timeout", .finished_at = 20.5, .wall_s = 10.25,
		.cpu_user_s = 9.5, .cpu_sys_s = 0.5, .maxrss_kb = -1,
		.vram_peak_mb = NAN, .exit_code = -1, .signal = 9,
		.co_running = 3, .error = "killed after 10 s",
	};
	struct unit_copy *c;
	char *cause = NULL;
	int64_t run, other, u1, u2, u3;

	run = make_run(fx->st, "j", 1);
	other = make_run(fx->st, "j", 2);
	u1 = make_unit(fx->st, run, "alpha", 0, 11);
	make_unit(fx->st, other, "elsewhere", 0, 1);
	u2 = make_unit(fx->st, run, "beta", 1, 12);
	u3 = make_unit(fx->st, run, "gamma", 0, 13);
	assert_true(u1 < u2 && u2 < u3);

	assert_int_equal(store_unit_start(fx->st, u1, 1, 2, 1234, 10.0,
	    &cause), 0);
	assert_int_equal(store_unit_finish(fx->st, u1, &end, &cause), 0);

	end.status = "ok";
	end.maxrss_kb = 2048;
	end.vram_peak_mb = 512.5;
	end.exit_code = 0;
	end.signal = 0;
	end.co_running = 0;
	end.error = NULL;
	/* its start written with its end (it never showed running) */
	end.started = 1;
	end.attempt = 2;
	end.worker_slot = 0;
	end.pid = 99;
	end.started_at = 11.0;
	assert_int_equal(store_unit_finish(fx->st, u2, &end, &cause), 0);
	end.started = 0;

	assert_int_equal(store_unit_start(fx->st, 12345, 1, 0, 1, 1, &cause),
	    -1);
	assert_non_null(strstr(cause, "no such unit"));
	free(cause);
	cause = NULL;
	end.status = "exploded";
	assert_int_equal(store_unit_finish(fx->st, u3, &end, &cause), -1);
	assert_non_null(strstr(cause, "CHECK constraint failed"));
	free(cause);
	cause = NULL;

	c = xcalloc(1, sizeof *c);
	assert_int_equal(store_units_list(fx->st, run, copy_unit, c, &cause),
	    0);
	assert_int_equal(c->n, 3);

	/* u1: timed out, killed by a signal, resources unknown. */
	assert_int_equal(c->row[0].id, u1);
	assert_int_equal(c->row[0].run_id, run);
	assert_string_equal(c->testcase[0], "alpha");
	assert_string_equal(c->algorithm[0], "naive");
	assert_string_equal(c->paradigm[0], "openmp");
	assert_string_equal(c->params[0], "{\"n\":64}");
	assert_string_equal(c->key[0], "k0");
	assert_string_equal(c->log_path[0], "logs/u.log");
	assert_string_equal(c->status[0], "timeout");
	assert_string_equal(c->error[0], "killed after 10 s");
	assert_int_equal(c->row[0].part, 0);
	assert_int_equal(c->row[0].nparts, 2);
	assert_int_equal(c->row[0].rep, 1);
	assert_int_equal(c->row[0].attempts, 1);
	assert_int_equal(c->row[0].worker_slot, 2);
	assert_int_equal(c->row[0].exit_code, -1);
	assert_int_equal(c->row[0].signal, 9);
	assert_int_equal(c->row[0].co_running, 3);
	assert_true(c->row[0].started_at == 10.0);
	assert_true(c->row[0].finished_at == 20.5);
	assert_true(c->row[0].wall_s == 10.25);
	assert_true(c->row[0].cpu_user_s == 9.5);
	assert_true(c->row[0].cpu_sys_s == 0.5);
	assert_int_equal(c->row[0].maxrss_kb, -1);
	assert_true(isnan(c->row[0].vram_peak_mb));
	assert_int_equal(c->row[0].seed, 11);

	/* u2: ok with everything known; second attempt. */
	assert_string_equal(c->status[1], "ok");
	assert_string_equal(c->error[1], "(null)");
	assert_int_equal(c->row[1].attempts, 2);
	assert_int_equal(c->row[1].worker_slot, 0);
	assert_true(c->row[1].started_at == 11.0);
	assert_int_equal(c->row[1].part, 1);
	assert_int_equal(c->row[1].exit_code, 0);
	assert_int_equal(c->row[1].signal, 0);
	assert_int_equal(c->row[1].co_running, 0);
	assert_int_equal(c->row[1].maxrss_kb, 2048);
	assert_true(c->row[1].vram_peak_mb == 512.5);

	/* u3: still pending, nothing known. */
	assert_string_equal(c->status[2], "pending");
	assert_int_equal(c->row[2].attempts, 0);
	assert_int_equal(c->row[2].worker_slot, -1);
	assert_int_equal(c->row[2].exit_code, -1);
	assert_int_equal(c->row[2].signal, 0);
	assert_int_equal(c->row[2].co_running, -1);
	assert_int_equal(c->row[2].maxrss_kb, -1);
	assert_true(isnan(c->row[2].started_at));
	assert_true(isnan(c->row[2].finished_at));
	assert_true(isnan(c->row[2].wall_s));
	assert_true(isnan(c->row[2].vram_peak_mb));

	/* NULLs really are NULL in the table, not sentinels. */
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM units WHERE"
	    " maxrss_kb IS NULL AND vram_peak_mb IS NULL AND exit_code IS NULL"
	    " AND signal = 9 AND pid = 1234"), 1);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM units WHERE"
	    " signal IS NULL AND exit_code = 0 AND status = 'ok'"), 1);

	/* A retry clears what the failed attempt left. */
	assert_int_equal(store_unit_start(fx->st, u1, 2, 1, 555, 30.0,
	    &cause), 0);
	memset(c, 0, sizeof *c);
	assert_int_equal(store_units_list(fx->st, run, copy_unit, c, &cause),
	    0);
	assert_string_equal(c->status[0], "running");
	assert_int_equal(c->row[0].attempts, 2);
	assert_int_equal(c->row[0].signal, 0);
	assert_string_equal(c->error[0], "(null)");
	assert_true(isnan(c->row[0].finished_at));
	free(c);
}

/* Copies of metric rows. */
struct metric_copy {
	int		n;
	int64_t		unit_id[8];
	char		testcase[8][16], name[8][16];
	double		value[8];
	int		timing[8];
};

/* store_metric_cb: copy each row. */
static int
copy_metric(const struct store_metric_row *row, void *data)
{
	struct metric_copy *c = data;
	int i = c->n++;

	assert_true(i < 8);
	c->unit_id[i] = row->unit_id;
	copy_str(c->testcase[i], sizeof c->testcase[i], row->testcase);
	copy_str(c->name[i], sizeof c->name[i], row->name);
	c->value[i] = row->value;
	c->timing[i] = row->timing;
	return 0;
}

/* Metrics list in order and the last value reported wins. */
static void
test_metrics(void **state)
{
	struct fx *fx = *state;
	struct metric_copy c;
	char *cause = NULL;
	int64_t run, other, u1, u2;

	run = make_run(fx->st, "j", 1);
	other = make_run(fx->st, "j", 2);
	u1 = make_unit(fx->st, run, "tc1", 0, 0);
	u2 = make_unit(fx->st, run, "tc2", 0, 0);
	assert_int_equal(store_metric_add(fx->st, u2, "zeta", 1, 0, &cause),
	    0);
	assert_int_equal(store_metric_add(fx->st, u1, "time", 3.5, 1, &cause),
	    0);
	assert_int_equal(store_metric_add(fx->st, u1, "alpha", 1, 0, &cause),
	    0);
	assert_int_equal(store_metric_add(fx->st, u1, "alpha", 2, 0, &cause),
	    0);
	assert_int_equal(store_metric_add(fx->st, u2, "nan", NAN, 0, &cause),
	    0);
	assert_int_equal(store_metric_add(fx->st, 9999, "x", 1, 0, &cause),
	    -1);
	assert_non_null(strstr(cause, "FOREIGN KEY"));
	assert_non_null(strstr(cause, "'x' of unit 9999"));
	free(cause);
	cause = NULL;

	memset(&c, 0, sizeof c);
	assert_int_equal(store_unit_metrics_list(fx->st, run, copy_metric, &c,
	    &cause), 0);
	assert_int_equal(c.n, 4);
	assert_int_equal(c.unit_id[0], u1);
	assert_string_equal(c.testcase[0], "tc1");
	assert_string_equal(c.name[0], "alpha");
	assert_true(c.value[0] == 2);
	assert_int_equal(c.timing[0], 0);
	assert_string_equal(c.name[1], "time");
	assert_int_equal(c.timing[1], 1);
	assert_true(c.value[1] == 3.5);
	assert_int_equal(c.unit_id[2], u2);
	assert_string_equal(c.name[2], "nan");
	assert_true(isnan(c.value[2]));
	assert_string_equal(c.name[3], "zeta");

	memset(&c, 0, sizeof c);
	assert_int_equal(store_unit_metrics_list(fx->st, other, copy_metric,
	    &c, &cause), 0);
	assert_int_equal(c.n, 0);

	assert_int_equal(store_testcase_metric_set(fx->st, run, "tc2", "b", 1,
	    0, &cause), 0);
	assert_int_equal(store_testcase_metric_set(fx->st, run, "tc1", "z", 5,
	    1, &cause), 0);
	assert_int_equal(store_testcase_metric_set(fx->st, run, "tc2", "a", 7,
	    0, &cause), 0);
	assert_int_equal(store_testcase_metric_set(fx->st, run, "tc2", "b", 8,
	    1, &cause), 0);
	assert_int_equal(store_testcase_metric_set(fx->st, other, "tc1", "z",
	    6, 0, &cause), 0);
	memset(&c, 0, sizeof c);
	assert_int_equal(store_testcase_metrics_list(fx->st, run, copy_metric,
	    &c, &cause), 0);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.unit_id[0], 0);
	assert_string_equal(c.testcase[0], "tc1");
	assert_string_equal(c.name[0], "z");
	assert_true(c.value[0] == 5);
	assert_int_equal(c.timing[0], 1);
	assert_string_equal(c.testcase[1], "tc2");
	assert_string_equal(c.name[1], "a");
	assert_string_equal(c.name[2], "b");
	assert_true(c.value[2] == 8);
	assert_int_equal(c.timing[2], 1);
}

/* Nested begin/commit commits once, at the outermost level; rollback. */
static void
test_transactions(void **state)
{
	struct fx *fx = *state;
	char *cause = NULL;

	assert_int_equal(store_begin(fx->st, &cause), 0);
	assert_int_equal(store_begin(fx->st, &cause), 0);
	make_run(fx->st, "txn", 1);
	assert_int_equal(store_commit(fx->st, &cause), 0);
	/* Inner commit: another connection does not see it yet. */
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM runs"), 0);
	assert_int_equal(store_commit(fx->st, &cause), 0);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM runs"), 1);

	/* Rollback from depth 2 undoes the whole transaction. */
	assert_int_equal(store_begin(fx->st, &cause), 0);
	make_run(fx->st, "txn", 2);
	assert_int_equal(store_begin(fx->st, &cause), 0);
	make_run(fx->st, "txn", 3);
	store_rollback(fx->st);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM runs"), 1);
	/* The outer commit learns its transaction is gone. */
	assert_int_equal(store_commit(fx->st, &cause), -1);
	assert_non_null(strstr(cause, "outside a transaction"));
	free(cause);
	cause = NULL;
	store_rollback(fx->st);		/* at depth 0: nothing, no noise */

	/* Writes outside a transaction commit on their own. */
	make_run(fx->st, "auto", 4);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM runs"), 2);

	/* A failed write inside a batch leaves the batch usable. */
	assert_int_equal(store_begin(fx->st, &cause), 0);
	make_run(fx->st, "batch", 5);
	assert_int_equal(store_run_finish(fx->st, 999, "ok", 1, &cause), -1);
	free(cause);
	cause = NULL;
	make_run(fx->st, "batch", 6);
	assert_int_equal(store_commit(fx->st, &cause), 0);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM runs"), 4);
}

/* Closing and opening again keeps everything. */
static void
test_reopen(void **state)
{
	struct fx *fx = *state;
	struct run_copy c;
	char *cause = NULL;
	int64_t run, u;

	run = make_run(fx->st, "keep", 1);
	u = make_unit(fx->st, run, "tc", 0, 5);
	assert_int_equal(store_metric_add(fx->st, u, "m", 1.5, 0, &cause), 0);
	store_close(fx->st);
	fx->st = NULL;

	if (store_open(fx->path, &fx->st, &cause) != 0)
		fail_msg("reopen: %s", cause);
	get_run(fx->st, run, &c);
	assert_string_equal(c.job_name, "keep");
	assert_int_equal(c.total, 1);
	assert_int_equal(raw_int(fx->path, "SELECT value * 2 FROM metrics"),
	    3);
	assert_int_equal(raw_int(fx->path, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
}

/* store_units_list callback: the host of the (last) row, allocated. */
static int
host_of_unit(const struct store_unit_row *r, void *data)
{
	char **out = data;

	if (r->host != NULL)
		*out = xstrdup(r->host);
	return 0;
}

/* units.host (schema 3): stored and listed; a version 2 database gets the
   column, NULL for the units it had. */
static void
test_host(void **state)
{
	struct fx *fx = *state;
	struct store_unit_end end = {
		.status = "ok", .finished_at = 2, .wall_s = 1, .maxrss_kb = -1,
		.vram_peak_mb = NAN, .exit_code = 0, .host = "node7",
	};
	char *cause = NULL, *host = NULL, *v;
	int64_t run, u1, u2;

	run = make_run(fx->st, "h", 1);
	u1 = make_unit(fx->st, run, "tc", 0, 1);
	assert_int_equal(store_unit_start(fx->st, u1, 1, 0, 5, 1.0, &cause), 0);
	assert_int_equal(store_unit_finish(fx->st, u1, &end, &cause), 0);
	assert_int_equal(store_units_list(fx->st, run, host_of_unit, &host,
	    &cause), 0);
	assert_non_null(host);
	assert_string_equal(host, "node7");
	free(host);
	host = NULL;

	/* back to what a version 2 bench wrote, then migrate */
	store_close(fx->st);
	fx->st = NULL;
	raw_exec(fx->path, "ALTER TABLE units DROP COLUMN host;"
	    "ALTER TABLE units DROP COLUMN warmup;"
	    "ALTER TABLE runs DROP COLUMN labels;"
	    "ALTER TABLE runs DROP COLUMN machine_state;"
	    "PRAGMA user_version = 2;");
	if (store_open(fx->path, &fx->st, &cause) != 0)
		fail_msg("reopen: %s", cause);
	assert_int_equal(raw_int(fx->path, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM units "
	    "WHERE host IS NULL"), 1);
	assert_int_equal(store_units_list(fx->st, run, host_of_unit, &host,
	    &cause), 0);
	assert_null(host);
	u2 = make_unit(fx->st, run, "tc", 1, 2);
	end.host = NULL;
	assert_int_equal(store_unit_finish(fx->st, u2, &end, &cause), 0);
	end.host = "n2";
	assert_int_equal(store_unit_finish(fx->st, u1, &end, &cause), 0);
	v = raw_text(fx->path, "SELECT group_concat(coalesce(host, '-')) "
	    "FROM (SELECT host FROM units ORDER BY id)");
	assert_string_equal(v, "n2,-");
	free(v);
}

/* store_runs_list callback: labels and machine_state, allocated. */
static int
labels_of_run(const struct store_run_row *r, void *data)
{
	char **out = data;

	out[0] = r->labels != NULL ? xstrdup(r->labels) : NULL;
	out[1] = r->machine_state != NULL ? xstrdup(r->machine_state) : NULL;
	return 0;
}

/* store_units_list callback: count the warm-up units. */
static int
count_warmup(const struct store_unit_row *r, void *data)
{
	*(int *)data += r->warmup;
	return 0;
}

/* Schema 4: units.warmup, runs.labels and runs.machine_state are stored,
   listed and copied; a version 3 database gets them (0 and NULL). */
static void
test_stats_columns(void **state)
{
	struct fx *fx = *state;
	struct store_run_info ri = {
		.job_name = "l", .job_sha256 = "00", .mode = "serial",
		.launcher = "local", .started_at = 1,
		.labels = "{\"commit\":\"abc\"}", .machine_state = "{\"load1\":0.5}",
	};
	struct store_unit_info ui = { .testcase = "tc", .nparts = 1,
	    .warmup = 1 };
	char *cause = NULL, *got[2];
	int64_t run, u, copy;
	int n = 0;

	assert_int_equal(store_run_create(fx->st, &ri, &run, &cause), 0);
	assert_int_equal(store_unit_add(fx->st, run, &ui, &u, &cause), 0);
	ui.warmup = 0;
	assert_int_equal(store_unit_add(fx->st, run, &ui, &u, &cause), 0);
	assert_int_equal(store_unit_copy(fx->st, u - 1, run, &copy, &cause),
	    0);
	assert_int_equal(store_units_list(fx->st, run, count_warmup, &n,
	    &cause), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_run_get(fx->st, run, labels_of_run, got,
	    &cause), 0);
	assert_string_equal(got[0], "{\"commit\":\"abc\"}");
	assert_string_equal(got[1], "{\"load1\":0.5}");
	free(got[0]);
	free(got[1]);

	store_close(fx->st);
	fx->st = NULL;
	raw_exec(fx->path, "ALTER TABLE units DROP COLUMN warmup;"
	    "ALTER TABLE runs DROP COLUMN labels;"
	    "ALTER TABLE runs DROP COLUMN machine_state;"
	    "PRAGMA user_version = 3;");
	if (store_open(fx->path, &fx->st, &cause) != 0)
		fail_msg("reopen: %s", cause);
	assert_int_equal(raw_int(fx->path, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
	n = 0;
	assert_int_equal(store_units_list(fx->st, run, count_warmup, &n,
	    &cause), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_run_get(fx->st, run, labels_of_run, got,
	    &cause), 0);
	assert_null(got[0]);
	assert_null(got[1]);
}

/* store_run_measured_twice: only two ok, measured units of one test case
   say yes; warm-up and failed units, and other runs, do not count. */
static void
test_measured_twice(void **state)
{
	struct fx *fx = *state;
	struct store_unit_end end = {
		.status = "ok", .finished_at = 2, .wall_s = 1,
		.vram_peak_mb = NAN,
	};
	struct store_unit_info ui = { .testcase = "b", .nparts = 1,
	    .warmup = 1 };
	char *cause = NULL;
	int64_t run, other, u;
	int yes = -1;

	run = make_run(fx->st, "j", 1);
	other = make_run(fx->st, "j", 2);
	assert_int_equal(store_run_measured_twice(fx->st, run, &yes, &cause),
	    0);
	assert_int_equal(yes, 0);
	u = make_unit(fx->st, run, "a", 0, 1);
	assert_int_equal(store_unit_finish(fx->st, u, &end, &cause), 0);
	u = make_unit(fx->st, other, "a", 0, 1);
	assert_int_equal(store_unit_finish(fx->st, u, &end, &cause), 0);
	assert_int_equal(store_unit_add(fx->st, run, &ui, &u, &cause), 0);
	assert_int_equal(store_unit_finish(fx->st, u, &end, &cause), 0);
	u = make_unit(fx->st, run, "b", 0, 2);
	assert_int_equal(store_unit_finish(fx->st, u, &end, &cause), 0);
	end.status = "failed";
	u = make_unit(fx->st, run, "b", 1, 3);
	assert_int_equal(store_unit_finish(fx->st, u, &end, &cause), 0);
	assert_int_equal(store_run_measured_twice(fx->st, run, &yes, &cause),
	    0);
	assert_int_equal(yes, 0);
	end.status = "ok";
	u = make_unit(fx->st, run, "b", 1, 4);
	assert_int_equal(store_unit_finish(fx->st, u, &end, &cause), 0);
	assert_int_equal(store_run_measured_twice(fx->st, run, &yes, &cause),
	    0);
	assert_int_equal(yes, 1);
	assert_int_equal(store_run_measured_twice(fx->st, other, &yes,
	    &cause), 0);
	assert_int_equal(yes, 0);
}

/* A second connection opens and reads while the first holds a batch. */
static void
test_concurrent_reader(void **state)
{
	struct fx *fx = *state;
	struct store *reader = NULL;
	struct run_copy c;
	char *cause = NULL;
	int64_t id = 0;

	make_run(fx->st, "seen", 1);
	assert_int_equal(store_begin(fx->st, &cause), 0);
	make_run(fx->st, "unseen", 2);
	if (store_open(fx->path, &reader, &cause) != 0)
		fail_msg("reader: %s", cause);
	memset(&c, 0, sizeof c);
	assert_int_equal(store_runs_list(reader, NULL, copy_run, &c, &cause),
	    0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.job_name, "seen");
	assert_int_equal(store_commit(fx->st, &cause), 0);
	assert_int_equal(store_last_run(reader, "unseen", &id, &cause), 0);
	assert_int_equal(id, 2);
	store_close(reader);
}

/* A database from a newer bench is refused, untouched. */
static void
test_newer_schema(void **state)
{
	struct fx *fx = *state;
	struct store *st = NULL;
	char *cause = NULL;

	make_run(fx->st, "j", 1);
	raw_exec(fx->path, "PRAGMA user_version = 99");
	assert_int_equal(store_open(fx->path, &st, &cause), -1);
	assert_null(st);
	assert_non_null(strstr(cause, fx->path));
	assert_non_null(strstr(cause, "schema version 99, newer than this "
	    "bench (5): upgrade bench"));
	free(cause);
	assert_int_equal(raw_int(fx->path, "PRAGMA user_version"), 99);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM runs"), 1);
}

/* Paths that are not database files fail with a message naming them. */
static void
test_open_bad_paths(void **state)
{
	struct fx *fx = *state;
	struct store *st = NULL;
	char *cause = NULL, *path, *file;
	char junk[1024];
	int fd;

	/* A directory. */
	assert_int_equal(store_open(fx->dir, &st, &cause), -1);
	assert_null(st);
	assert_non_null(strstr(cause, fx->dir));
	assert_non_null(strstr(cause, "Is a directory"));
	free(cause);
	cause = NULL;

	/* A parent that is a file. */
	path = xasprintf("%s/bench.db/x.db", fx->path);
	assert_int_equal(store_open(path, &st, &cause), -1);
	assert_non_null(strstr(cause, path));
	free(path);
	free(cause);
	cause = NULL;

	/* A directory we may not write to (root may write anywhere). */
	path = xasprintf("%s/ro", fx->dir);
	assert_int_equal(mkdir(path, 0500), 0);
	free(path);
	path = xasprintf("%s/ro/x.db", fx->dir);
	if (geteuid() != 0) {
		assert_int_equal(store_open(path, &st, &cause), -1);
		assert_non_null(strstr(cause, path));
		assert_non_null(strstr(cause, "Permission denied"));
		free(cause);
		cause = NULL;
	}
	free(path);

	/* No path at all. */
	assert_int_equal(store_open("", &st, &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;

	/* A file that is not SQLite. */
	file = xasprintf("%s/junk.db", fx->dir);
	fd = open(file, O_WRONLY|O_CREAT|O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	memset(junk, 'x', sizeof junk);
	assert_int_equal(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
	close(fd);
	assert_int_equal(store_open(file, &st, &cause), -1);
	assert_non_null(strstr(cause, file));
	assert_non_null(strstr(cause, "not a database"));
	free(cause);
	cause = NULL;
	free(file);

	/* Another program's SQLite database. */
	file = xasprintf("%s/other.db", fx->dir);
	fd = open(file, O_WRONLY|O_CREAT|O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	raw_exec(file, "CREATE TABLE t (x)");
	assert_int_equal(store_open(file, &st, &cause), -1);
	assert_non_null(strstr(cause, "not a bench database"));
	free(cause);
	cause = NULL;
	raw_exec(file, "PRAGMA application_id = 7");
	assert_int_equal(store_open(file, &st, &cause), -1);
	assert_non_null(strstr(cause, "application id 7"));
	free(cause);
	free(file);
}

/* A seed with the top bit set survives the signed column. */
static void
test_seed(void **state)
{
	struct fx *fx = *state;
	struct unit_copy *c;
	char *cause = NULL;
	int64_t run;

	run = make_run(fx->st, "j", 1);
	make_unit(fx->st, run, "tc", 0, UINT64_C(0xFFFFFFFFFFFFFFFF));
	make_unit(fx->st, run, "tc", 1, UINT64_C(0x8000000000000000));
	make_unit(fx->st, run, "tc", 2, 0);
	assert_int_equal(raw_int(fx->path,
	    "SELECT seed FROM units ORDER BY id LIMIT 1"), -1);
	c = xcalloc(1, sizeof *c);
	assert_int_equal(store_units_list(fx->st, run, copy_unit, c, &cause),
	    0);
	assert_int_equal(c->n, 3);
	assert_true(c->row[0].seed == UINT64_C(0xFFFFFFFFFFFFFFFF));
	assert_true(c->row[1].seed == UINT64_C(0x8000000000000000));
	assert_true(c->row[2].seed == 0);
	free(c);
}

/* The newest run, of a job or of any. */
static void
test_last_run(void **state)
{
	struct fx *fx = *state;
	char *cause = NULL;
	int64_t id = -5, a1, a2, b1;

	assert_int_equal(store_last_run(fx->st, NULL, &id, &cause), 0);
	assert_int_equal(id, 0);
	a1 = make_run(fx->st, "a", 1);
	b1 = make_run(fx->st, "b", 2);
	a2 = make_run(fx->st, "a", 3);
	assert_true(a1 < b1 && b1 < a2);
	make_run(fx->st, "b", 4);
	assert_int_equal(store_last_run(fx->st, "a", &id, &cause), 0);
	assert_int_equal(id, a2);
	assert_int_equal(store_last_run(fx->st, NULL, &id, &cause), 0);
	assert_int_equal(id, a2 + 1);
	assert_int_equal(store_last_run(fx->st, "zzz", &id, &cause), 0);
	assert_int_equal(id, 0);
}

/* store_run_cb: count rows and list runs again from inside the walk. */
static int
count_nested(const struct store_run_row *row, void *data)
{
	struct fx *fx = data;
	struct run_copy c;
	char *cause = NULL;

	memset(&c, 0, sizeof c);
	if (store_runs_list(fx->st, NULL, copy_run, &c, &cause) != 0)
		fail_msg("nested: %s", cause);
	assert_int_equal(c.n, 3);
	get_run(fx->st, row->id, &c);
	return 0;
}

/* store_run_cb: stop at the second row. */
static int
stop_second(const struct store_run_row *row, void *data)
{
	int *n = data;

	return ++*n == 2 ? 42 : 0;
}

/* Listing filters by job, stops on a callback's word and re-enters. */
static void
test_runs_list(void **state)
{
	struct fx *fx = *state;
	struct run_copy c;
	char *cause = NULL;
	int n = 0;

	make_run(fx->st, "a", 1);
	make_run(fx->st, "b", 2);
	make_run(fx->st, "a", 3);
	memset(&c, 0, sizeof c);
	assert_int_equal(store_runs_list(fx->st, "a", copy_run, &c, &cause),
	    0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.id, 3);		/* oldest first: last is 3 */
	memset(&c, 0, sizeof c);
	assert_int_equal(store_runs_list(fx->st, "none", copy_run, &c,
	    &cause), 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(store_runs_list(fx->st, NULL, stop_second, &n,
	    &cause), 42);
	assert_int_equal(n, 2);
	/* After a stopped walk the statement is reusable. */
	memset(&c, 0, sizeof c);
	assert_int_equal(store_runs_list(fx->st, NULL, copy_run, &c, &cause),
	    0);
	assert_int_equal(c.n, 3);
	assert_int_equal(store_runs_list(fx->st, NULL, count_nested, fx,
	    &cause), 0);
}

/* Events and samples land with NULLs where asked. */
static void
test_events_samples(void **state)
{
	struct fx *fx = *state;
	char *cause = NULL;
	int64_t run, u;

	run = make_run(fx->st, "j", 1);
	u = make_unit(fx->st, run, "tc", 0, 0);
	assert_int_equal(store_event_add(fx->st, run, -1, 1.5, "start",
	    "workers=4", &cause), 0);
	assert_int_equal(store_event_add(fx->st, run, u, 2.5, "retry", NULL,
	    &cause), 0);
	assert_int_equal(store_sample_add(fx->st, u, 0.1, 1000, 99.5, NAN,
	    NAN, &cause), 0);
	assert_int_equal(store_sample_add(fx->st, u, 0.2, -1, 50, 100, 30,
	    &cause), 0);
	assert_int_equal(store_sample_add(fx->st, 4444, 0.2, -1, 50, 100, 30,
	    &cause), -1);
	assert_non_null(strstr(cause, "FOREIGN KEY"));
	free(cause);

	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM events WHERE"
	    " unit_id IS NULL AND kind = 'start' AND detail = 'workers=4'"), 1);
	assert_int_equal(raw_int(fx->path, "SELECT unit_id FROM events WHERE"
	    " kind = 'retry' AND detail IS NULL"), u);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM samples"
	    " WHERE rss_kb = 1000 AND vram_mb IS NULL AND gpu_util IS NULL"),
	    1);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM samples"
	    " WHERE rss_kb IS NULL AND vram_mb = 100"), 1);
}

/* Profiles: put, replace, get, not found. */
static void
test_profiles(void **state)
{
	struct fx *fx = *state;
	struct store_profile p = {
		.peak_rss_kb = 4096, .peak_vram_mb = NAN, .wall_s = 1.5,
		.measured_at = 100,
	};
	struct store_profile got;
	char *cause = NULL;

	assert_int_equal(store_profile_get(fx->st, "k", "h", &got, &cause), 0);
	assert_int_equal(store_profile_put(fx->st, "k", "h", &p, &cause), 0);
	p.peak_rss_kb = 8192;
	assert_int_equal(store_profile_put(fx->st, "k", "h2", &p, &cause), 0);
	memset(&got, 0, sizeof got);
	assert_int_equal(store_profile_get(fx->st, "k", "h", &got, &cause), 1);
	assert_int_equal(got.peak_rss_kb, 4096);
	assert_true(isnan(got.peak_vram_mb));
	assert_true(got.wall_s == 1.5);
	assert_true(got.measured_at == 100);

	p.peak_rss_kb = -1;
	p.peak_vram_mb = 300;
	assert_int_equal(store_profile_put(fx->st, "k", "h", &p, &cause), 0);
	assert_int_equal(store_profile_get(fx->st, "k", "h", &got, &cause), 1);
	assert_int_equal(got.peak_rss_kb, -1);
	assert_true(got.peak_vram_mb == 300);
	assert_int_equal(store_profile_get(fx->st, "k", "h2", &got, &cause),
	    1);
	assert_int_equal(got.peak_rss_kb, 8192);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM profiles"),
	    2);

	assert_int_equal(store_profile_put(fx->st, "k", NULL, &p, &cause), -1);
	assert_non_null(cause);
	free(cause);
}

/* A sound database passes the integrity check. */
static void
test_integrity(void **state)
{
	struct fx *fx = *state;
	char *cause = NULL;

	make_run(fx->st, "j", 1);
	if (store_integrity_check(fx->st, &cause) != 0)
		fail_msg("integrity: %s", cause);
}

/* Seconds on the monotonic clock. */
static double
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* 2000 units recorded in batches the way the controller does, quickly. */
static void
test_batch_speed(void **state)
{
	struct fx *fx = *state;
	struct store_unit_end end = {
		.status = "ok", .wall_s = 0.001, .maxrss_kb = 1000,
		.vram_peak_mb = NAN, .exit_code = 0,
	};
	struct run_copy c;
	char *cause = NULL;
	double t0, dt;
	int64_t run, ids[100];
	int batch, i;

	t0 = now_mono();
	run = make_run(fx->st, "speed", 1);
	for (batch = 0; batch < 20; batch++) {
		assert_int_equal(store_begin(fx->st, &cause), 0);
		for (i = 0; i < 100; i++)
			ids[i] = make_unit(fx->st, run, "tc", i, i);
		assert_int_equal(store_commit(fx->st, &cause), 0);
		assert_int_equal(store_begin(fx->st, &cause), 0);
		for (i = 0; i < 100; i++) {
			assert_int_equal(store_unit_start(fx->st, ids[i], 1,
			    i % 8, 1000 + i, 2, &cause), 0);
		}
		assert_int_equal(store_commit(fx->st, &cause), 0);
		assert_int_equal(store_begin(fx->st, &cause), 0);
		for (i = 0; i < 100; i++) {
			assert_int_equal(store_unit_finish(fx->st, ids[i],
			    &end, &cause), 0);
			assert_int_equal(store_metric_add(fx->st, ids[i],
			    "checksum", i, 0, &cause), 0);
			assert_int_equal(store_metric_add(fx->st, ids[i],
			    "time", 0.001, 1, &cause), 0);
		}
		assert_int_equal(store_commit(fx->st, &cause), 0);
	}
	dt = now_mono() - t0;
	get_run(fx->st, run, &c);
	assert_int_equal(c.total, 2000);
	assert_int_equal(c.ok, 2000);
	print_message("2000 units in %.3f s\n", dt);
	assert_true(dt < 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_creates, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_run_roundtrip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_run_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_units, setup, teardown),
		cmocka_unit_test_setup_teardown(test_metrics, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transactions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_reader, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_open_bad_paths, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_seed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_last_run, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_runs_list, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_events_samples, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_profiles, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_measured_twice, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stats_columns, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_integrity, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_batch_speed, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
