/*
 * mkhistory: fill a bench database with synthetic runs through the store
 * module, for the nightly tests and tests/perf/report.sh.
 *
 *   mkhistory DB history RUNS NOISE_PCT SLOWDOWN_PCT SEED
 *	RUNS serial runs of job "nightly", one a day up to now, three test
 *	cases (alpha, beta, gamma) with wall time, gflops (timing) and
 *	accuracy (quality) drawn with NOISE_PCT noise; in the newest run
 *	beta is SLOWDOWN_PCT slower.
 *   mkhistory DB big UNITS SLOTS
 *	one parallel run of job "big" with UNITS units in 1000 test cases
 *	on SLOTS worker slots, 1% of them failed.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store.h"
#include "xalloc.h"
#include "banned.h"

static uint64_t rng_state = 88172645463325252ULL;

/* A uniform number in [0, 1). */
static double
rng_uniform(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (double)(rng_state >> 11) / 9007199254740992.0;
}

/* Roughly normal noise, mean 0 and standard deviation 1. */
static double
rng_normal(void)
{
	return (rng_uniform() + rng_uniform() + rng_uniform() - 1.5) * 2.0;
}

/* Die with the store's message. */
static void
check(int rc, char *cause)
{
	if (rc != 0) {
		fprintf(stderr, "mkhistory: %s\n", cause);
		exit(3);
	}
}

/* A run row with fixed machine fields. */
static int64_t
run_create(struct store *st, const char *job, const char *mode,
    int workers, double t, char **cause)
{
	struct store_run_info ri;
	int64_t id;

	memset(&ri, 0, sizeof ri);
	ri.job_name = job;
	ri.job_sha256 = "5eed";
	ri.job_path = "/synthetic/job.yaml";
	ri.mode = mode;
	ri.workers = workers;
	ri.launcher = "local";
	ri.host = "synthetic";
	ri.fingerprint = "{\"cores\":32,\"mem_total_kb\":67108864,"
	    "\"cpu_model\":\"synthetic\"}";
	ri.fingerprint_id = "fp-synthetic";
	ri.workspace = "/synthetic/ws";
	ri.bench_version = "test";
	ri.started_at = t;
	check(store_run_create(st, &ri, &id, cause), *cause);
	check(store_run_set_rank(st, id, "{\"sort_by\":[{\"gflops\":"
	    "\"descend\"}],\"metrics\":[\"gflops\",\"accuracy\"]}", cause),
	    *cause);
	return id;
}

/* One finished unit. */
static void
unit_add(struct store *st, int64_t run, const char *tc, int slot,
    double t0, double wall, long rss, const char *status, int co,
    char **cause)
{
	struct store_unit_info ui;
	struct store_unit_end ue;
	int64_t uid;

	memset(&ui, 0, sizeof ui);
	ui.testcase = tc;
	ui.algorithm = "synthetic";
	ui.paradigm = "singletasklearning";
	ui.params = "{}";
	ui.nparts = 1;
	check(store_unit_add(st, run, &ui, &uid, cause), *cause);
	check(store_unit_start(st, uid, 1, slot, 1000 + slot, t0, cause),
	    *cause);
	memset(&ue, 0, sizeof ue);
	ue.status = status;
	ue.finished_at = t0 + wall;
	ue.wall_s = wall;
	ue.cpu_user_s = wall;
	ue.maxrss_kb = rss;
	ue.vram_peak_mb = NAN;
	ue.exit_code = strcmp(status, "ok") == 0 ? 0 : 1;
	ue.co_running = co;
	ue.error = strcmp(status, "ok") == 0 ? NULL : "exit code 1";
	check(store_unit_finish(st, uid, &ue, cause), *cause);
}

/* The nightly history. */
static void
history(struct store *st, int runs, double noise, double slow, char **cause)
{
	static const char *tcs[] = { "alpha", "beta", "gamma" };
	static const double base[] = { 2.0, 5.0, 1.0 };
	double now = (double)time(NULL), t, wall, f;
	int64_t id;
	int r, i;

	for (r = 0; r < runs; r++) {
		t = now - (double)(runs - r) * 86400;
		check(store_begin(st, cause), *cause);
		id = run_create(st, "nightly", "serial", 1, t, cause);
		for (i = 0; i < 3; i++) {
			f = 1 + noise / 100 * rng_normal();
			if (r == runs - 1 && i == 1)
				f *= 1 + slow / 100;
			wall = base[i] * f;
			unit_add(st, id, tcs[i], 0, t, wall, 102400 +
			    (long)(1024 * rng_normal()), "ok", 0, cause);
			t += wall;
			check(store_testcase_metric_set(st, id, tcs[i],
			    "gflops", 10.0 / wall, 1, cause), *cause);
			check(store_testcase_metric_set(st, id, tcs[i],
			    "accuracy", 0.9, 0, cause), *cause);
		}
		check(store_run_finish(st, id, "ok", t, cause), *cause);
		check(store_commit(st, cause), *cause);
	}
}

/* One big run. */
static void
big(struct store *st, long units, int slots, char **cause)
{
	double now = (double)time(NULL), *clock, wall;
	char tc[32];
	int64_t id;
	long u;
	int s;

	clock = xcalloc((size_t)slots, sizeof *clock);
	check(store_begin(st, cause), *cause);
	id = run_create(st, "big", "parallel", slots, now, cause);
	for (u = 0; u < units; u++) {
		s = (int)(u % slots);
		wall = 0.5 + rng_uniform();
		snprintf(tc, sizeof tc, "case-%04ld", u % 1000);
		unit_add(st, id, tc, s, now + clock[s], wall, 20000 +
		    (long)(80000 * rng_uniform()), u % 100 == 7 ? "failed" :
		    "ok", slots - 1, cause);
		clock[s] += wall + 0.01;
		if (u < 1000)
			check(store_testcase_metric_set(st, id, tc, "gflops",
			    1 + rng_uniform(), 1, cause), *cause);
	}
	wall = 0;
	for (s = 0; s < slots; s++)
		wall = clock[s] > wall ? clock[s] : wall;
	check(store_run_finish(st, id, "failed", now + wall, cause), *cause);
	check(store_commit(st, cause), *cause);
	free(clock);
}

int
main(int argc, char **argv)
{
	struct store *st;
	char *cause = NULL;

	if (argc == 7 && strcmp(argv[2], "history") == 0) {
		rng_state += strtoull(argv[6], NULL, 10) * 2654435761ULL;
		check(store_open(argv[1], &st, &cause), cause);
		history(st, (int)strtol(argv[3], NULL, 10),
		    strtod(argv[4], NULL), strtod(argv[5], NULL), &cause);
	} else if (argc == 5 && strcmp(argv[2], "big") == 0) {
		check(store_open(argv[1], &st, &cause), cause);
		big(st, strtol(argv[3], NULL, 10),
		    (int)strtol(argv[4], NULL, 10), &cause);
	} else {
		fprintf(stderr, "usage: mkhistory DB history RUNS NOISE_PCT "
		    "SLOWDOWN_PCT SEED\n       mkhistory DB big UNITS SLOTS\n");
		return 2;
	}
	store_close(st);
	return 0;
}
