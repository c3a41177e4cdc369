/*
 * test-report: the report module's loader, ranking and helpers (escaping,
 * log tails), the nightly detector, and the store's schema 2 (runs.rank,
 * samples query) including the migration of a version 1 database.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "nightly.h"
#include "report.h"
#include "store.h"
#include "banned.h"

/* A scratch database path. */
static char *
tmp_db(void)
{
	char tmpl[] = "/tmp/test-report.XXXXXX";
	char *dir = mkdtemp(tmpl), *p;

	assert_non_null(dir);
	assert_int_not_equal(asprintf(&p, "%s/bench.db", dir), -1);
	return p;
}

/* Remove the database and its directory. */
static void
rm_db(char *path)
{
	char *s;

	assert_int_not_equal(asprintf(&s, "rm -rf '%.*s'",
	    (int)(strrchr(path, '/') - path), path), -1);
	assert_int_equal(system(s), 0);
	free(s);
	free(path);
}

/* Fill a run of three test cases; returns its id. */
static int64_t
fill(struct store *st)
{
	struct store_run_info ri;
	struct store_unit_info ui;
	struct store_unit_end ue;
	static const char *tcs[] = { "slow", "fast", "none" };
	static const double gf[] = { 1.0, 3.0, NAN };
	int64_t run, uid;
	char *cause = NULL;
	int i;

	memset(&ri, 0, sizeof ri);
	ri.job_name = "j";
	ri.job_sha256 = "abc";
	ri.mode = "serial";
	ri.workers = 1;
	ri.launcher = "local";
	ri.workspace = "/nonexistent";
	ri.started_at = 1000;
	assert_int_equal(store_run_create(st, &ri, &run, &cause), 0);
	for (i = 0; i < 3; i++) {
		memset(&ui, 0, sizeof ui);
		ui.testcase = tcs[i];
		ui.algorithm = "a";
		ui.paradigm = "p";
		ui.params = "{\"k\":1}";
		ui.nparts = 1;
		assert_int_equal(store_unit_add(st, run, &ui, &uid, &cause), 0);
		assert_int_equal(store_unit_start(st, uid, 1, 0, 10, 1000 + i,
		    &cause), 0);
		memset(&ue, 0, sizeof ue);
		ue.status = i == 2 ? "failed" : "ok";
		ue.finished_at = 1001 + i;
		ue.wall_s = 1;
		ue.maxrss_kb = 1000 * (i + 1);
		ue.vram_peak_mb = NAN;
		assert_int_equal(store_unit_finish(st, uid, &ue, &cause), 0);
		if (!isnan(gf[i]))
			assert_int_equal(store_testcase_metric_set(st, run,
			    tcs[i], "gflops", gf[i], 1, &cause), 0);
	}
	assert_int_equal(store_sample_add(st, uid, 0.5, 2000, NAN, NAN, NAN,
	    &cause), 0);
	assert_int_equal(store_run_finish(st, run, "failed", 1004, &cause), 0);
	return run;
}

/* Ranked by the stored sort_by: bigger gflops first, no value last. */
static void
test_load_rank(void **state)
{
	char *path = tmp_db(), *cause = NULL;
	struct store *st;
	struct report *r;
	int64_t run;

	(void)state;
	assert_int_equal(store_open(path, &st, &cause), 0);
	run = fill(st);
	/* no rank stored: job order */
	assert_int_equal(report_load(st, run, &r, &cause), 0);
	assert_int_equal(r->ntcs, 3);
	assert_string_equal(r->tcs[r->ranked[0]].name, "slow");
	assert_int_equal(r->nunits, 3);
	assert_int_equal(r->tcs[2].bad, 1);
	assert_int_equal(r->tcs[2].peak_rss_kb, 3000);
	assert_int_equal(json_array_size(r->columns), 1);
	report_free(r);
	assert_int_equal(store_run_set_rank(st, run, "{\"sort_by\":"
	    "[{\"gflops\":\"descend\"}],\"metrics\":[\"gflops\",\"x\"]}",
	    &cause), 0);
	assert_int_equal(report_load(st, run, &r, &cause), 0);
	assert_string_equal(r->tcs[r->ranked[0]].name, "fast");
	assert_string_equal(r->tcs[r->ranked[1]].name, "slow");
	assert_string_equal(r->tcs[r->ranked[2]].name, "none");
	assert_int_equal(json_array_size(r->columns), 2);
	report_free(r);
	/* a missing run is an error */
	assert_int_equal(report_load(st, 999, &r, &cause), -1);
	assert_non_null(strstr(cause, "no run 999"));
	free(cause);
	cause = NULL;
	assert_int_equal(store_run_set_rank(st, 999, "{}", &cause), -1);
	free(cause);
	store_close(st);
	rm_db(path);
}

/* Count samples. */
static int
count_sample(const struct store_sample_row *s, void *data)
{
	assert_int_equal(s->rss_kb, 2000);
	(*(int *)data)++;
	return 0;
}

/* A version 1 database is migrated to 2 and keeps its rows. */
static void
test_migrate_v1(void **state)
{
	char *path = tmp_db(), *cause = NULL;
	struct store *st;
	sqlite3 *db;
	sqlite3_stmt *s;
	struct report *r;
	int64_t run;
	int n = 0;

	(void)state;
	assert_int_equal(store_open(path, &st, &cause), 0);
	run = fill(st);
	store_close(st);
	/* make it what a version 1 bench wrote */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "ALTER TABLE runs DROP COLUMN rank;"
	    "ALTER TABLE units DROP COLUMN host;"
	    "ALTER TABLE units DROP COLUMN warmup;"
	    "ALTER TABLE runs DROP COLUMN labels;"
	    "ALTER TABLE runs DROP COLUMN machine_state;"
	    "PRAGMA user_version = 1;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	assert_int_equal(store_open(path, &st, &cause), 0);
	assert_int_equal(report_load(st, run, &r, &cause), 0);
	assert_int_equal(r->nunits, 3);
	assert_int_equal(json_object_size(r->rank), 0);
	report_free(r);
	assert_int_equal(store_run_set_rank(st, run, "{\"save_mode\":\"x\"}",
	    &cause), 0);
	assert_int_equal(store_samples_list(st, run, count_sample, &n,
	    &cause), 0);
	assert_int_equal(n, 1);
	store_close(st);

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 0), STORE_SCHEMA_VERSION);
	assert_int_equal(STORE_SCHEMA_VERSION, 5);
	sqlite3_finalize(s);
	sqlite3_close(db);
	rm_db(path);
}

/* Escape into a string. */
static char *
esc(const char *in)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	report_esc(fp, in);
	fclose(fp);
	return buf;
}

/* Markup, quotes, control bytes and bad UTF-8. */
static void
test_escape(void **state)
{
	char *s;

	(void)state;
	s = esc("<script>alert('x')</script> & \"q\"");
	assert_string_equal(s, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script"
	    "&gt; &amp; &quot;q&quot;");
	free(s);
	s = esc("ok \xc3\xa9 bad \xff\xfe\x01 cut \xe2\x82");
	assert_string_equal(s, "ok \xc3\xa9 bad \xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd cut \xef\xbf\xbd\xef\xbf\xbd");
	free(s);
	s = esc("\xed\xa0\x80");	/* a surrogate */
	assert_null(strstr(s, "\xed\xa0\x80"));
	free(s);
	s = esc("tab\tnl\n");
	assert_string_equal(s, "tab\tnl\n");
	free(s);
}

/* The last lines of a log. */
static void
test_log_tail(void **state)
{
	char path[] = "/tmp/test-report-log.XXXXXX", *t;
	FILE *fp;
	int fd, i;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	for (i = 1; i <= 30; i++)
		fprintf(fp, "line %d\n", i);
	fclose(fp);
	t = report_log_tail(path, 3, 4096);
	assert_string_equal(t, "line 28\nline 29\nline 30");
	free(t);
	t = report_log_tail(path, 100, 16);
	assert_true(strlen(t) <= 16);
	assert_non_null(strstr(t, "line 30"));
	free(t);
	unlink(path);
	assert_null(report_log_tail(path, 3, 4096));
	assert_null(report_log_tail(NULL, 3, 4096));
}

/* Noise is not flagged; a change beyond threshold and MADs is. */
static void
test_judge(void **state)
{
	double prev[] = { 10.0, 10.2, 9.9, 10.1, 9.8, 10.3, 10.0, 9.7, 10.1,
	    10.0 };
	double noisy[] = { 10, 14, 7, 12, 9, 15, 6, 11, 13, 8 };
	double med, mad, chg;

	(void)state;
	assert_int_equal(nightly_judge(prev, 10, 10.4, 0, 10, 3, &med, &mad,
	    &chg), NIGHTLY_SAME);
	assert_true(fabs(med - 10.0) < 1e-9);
	assert_true(mad > 0);
	assert_int_equal(nightly_judge(prev, 10, 11.5, 0, 10, 3, &med, &mad,
	    &chg), NIGHTLY_REGRESSION);
	assert_true(chg > 14 && chg < 16);
	assert_int_equal(nightly_judge(prev, 10, 11.5, 1, 10, 3, &med, &mad,
	    &chg), NIGHTLY_IMPROVEMENT);
	assert_int_equal(nightly_judge(prev, 10, 8.5, 1, 10, 3, &med, &mad,
	    &chg), NIGHTLY_REGRESSION);
	/* beyond the threshold but within the noise */
	assert_int_equal(nightly_judge(noisy, 10, 12.5, 0, 10, 3, &med, &mad,
	    &chg), NIGHTLY_SAME);
	/* beyond the noise but within the threshold */
	assert_int_equal(nightly_judge(prev, 10, 10.9, 0, 10, 3, &med, &mad,
	    &chg), NIGHTLY_SAME);
	assert_int_equal(nightly_judge(prev, 0, 50, 0, 10, 3, &med, &mad,
	    &chg), NIGHTLY_SAME);
	assert_true(report_higher_is_better("gflops"));
	assert_true(report_higher_is_better("images_per_s"));
	assert_true(report_higher_is_better("throughput"));
	assert_false(report_higher_is_better("seconds"));
	assert_false(report_higher_is_better("latency_ms"));
}

/* Renderers are found by name; each writes a stored run. */
static void
test_renderers(void **state)
{
	static const char *names[] = { "term", "json", "junit", "html" };
	char *path = tmp_db(), *cause = NULL, *out;
	struct store *st;
	struct report *r;
	int64_t run;
	size_t i;

	(void)state;
	assert_null(report_find("pdf"));
	assert_int_equal(store_open(path, &st, &cause), 0);
	run = fill(st);
	assert_int_equal(report_load(st, run, &r, &cause), 0);
	assert_int_not_equal(asprintf(&out, "%s.out", path), -1);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		assert_non_null(report_find(names[i]));
		assert_int_equal(report_find(names[i])->write(r, out, &cause),
		    0);
		assert_int_equal(access(out, R_OK), 0);
	}
	/* an unwritable output is an error, not a crash */
	assert_int_equal(report_html_ops.write(r, "/nonexistent/x.html",
	    &cause), -1);
	assert_non_null(strstr(cause, "/nonexistent/x.html"));
	free(cause);
	cause = NULL;
	assert_int_equal(report_csv_ops.write(r, "/proc/nope/rank", &cause),
	    -1);
	free(cause);
	report_free(r);
	free(out);
	store_close(st);
	rm_db(path);
}

/* The first two lines of file, as one string; freed by the caller. */
static char *
head2(const char *file)
{
	char buf[4096];
	size_t n;
	FILE *fp = fopen(file, "r");

	assert_non_null(fp);
	n = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	if (strchr(buf, '\n') != NULL && strchr(strchr(buf, '\n') + 1,
	    '\n') != NULL)
		*strchr(strchr(buf, '\n') + 1, '\n') = '\0';
	return strdup(buf);
}

/* The CSV of run with runs.rank set to rank: header and first row. */
static char *
csv_with_rank(struct store *st, int64_t run, const char *dir,
    const char *rank)
{
	struct report *r;
	char *cause = NULL, *file, *text;

	assert_int_equal(store_run_set_rank(st, run, rank, &cause), 0);
	assert_int_equal(report_load(st, run, &r, &cause), 0);
	if (report_csv_ops.write(r, dir, &cause) != 0)
		fail_msg("csv: %s", cause);
	report_free(r);
	assert_int_not_equal(asprintf(&file, "%s/selected_rank.csv", dir),
	    -1);
	text = head2(file);
	free(file);
	return text;
}

/*
 * The CSV's module columns come from the modules of the test case's
 * algorithm with the values of its params (runs.rank "algorithms", schema
 * 5), and from the modules stored per test case in runs written before
 * ("testcases"): both give the same table.
 */
static void
test_csv_modules(void **state)
{
	char *path = tmp_db(), *cause = NULL, *dir, *now, *old;
	struct store *st;
	int64_t run;

	(void)state;
	assert_int_equal(store_open(path, &st, &cause), 0);
	run = fill(st);
	assert_int_not_equal(asprintf(&dir, "%s.csv", path), -1);
	now = csv_with_rank(st, run, dir, "{\"save_mode\":\"selected_only\","
	    "\"algorithms\":{\"a\":[{\"type\":\"basemodel\",\"name\":"
	    "\"m\",\"command\":[\"x\",\"{k}\"],\"hyperparameters\":"
	    "{\"k\":\"k\"}}]}}");
	old = csv_with_rank(st, run, dir, "{\"save_mode\":\"selected_only\","
	    "\"testcases\":{\"slow\":{\"modules\":[{\"type\":"
	    "\"basemodel\",\"name\":\"m\",\"hyperparameters\":{\"k\":1}}]},"
	    "\"fast\":{\"modules\":[{\"type\":\"basemodel\",\"name\":\"m\","
	    "\"hyperparameters\":{\"k\":1}}]},\"none\":{\"modules\":[{"
	    "\"type\":\"basemodel\",\"name\":\"m\",\"hyperparameters\":"
	    "{\"k\":1}}]}}}");
	assert_non_null(strstr(now, "paradigm,basemodel,basemodel-k,time"));
	assert_non_null(strstr(now, "\r\n1,a,"));
	assert_non_null(strstr(now, ",p,m,1,"));
	assert_string_equal(now, old);
	free(now);
	free(old);
	free(dir);
	store_close(st);
	rm_db(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_rank),
		cmocka_unit_test(test_csv_modules),
		cmocka_unit_test(test_migrate_v1),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_log_tail),
		cmocka_unit_test(test_judge),
		cmocka_unit_test(test_renderers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
