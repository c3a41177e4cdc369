/*
 * test-job: harness/job against the fixtures in tests/data/jobs (and the
 * quickstart example): grid expansion, parameter types, command
 * placeholders, units, seeds, keys, path resolution, -k filtering and every
 * error path with its exact FILE:LINE:COL message. Each test runs with the
 * fixture directory as its working directory, so messages name the fixtures
 * by their plain file names.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "job.h"
#include "plan.h"
#include "sha256.h"
#include "strvec.h"
#include "xalloc.h"
#include "banned.h"

/* A test case's params or modules text as JSON (new reference). */
static json_t *
tj(const char *text)
{
	json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, NULL);

	assert_non_null(v);
	return v;
}

/* The key of unit i of job in buf (plan_unit_key). */
static const char *
ukey(const struct job *job, size_t i, char buf[65])
{
	const struct job_unit *u = job_unit(job, i);

	plan_unit_key(job_testcase(job, u->testcase), u, buf);
	return buf;
}

/* The key of test case i of job in buf (job_testcase_key). */
static const char *
tkey(const struct job *job, size_t i, char buf[65])
{
	return job_testcase_key(job_testcase(job, i), buf);
}

/* Hyperparameter name of module i in a modules array, as a string. */
static const char *
mod_hp(json_t *modules, size_t i, const char *name)
{
	return json_string_value(json_object_get(json_object_get(
	    json_array_get(modules, i), "hyperparameters"), name));
}

/* tj() of allocated text, which it frees. */
static json_t *
tj_free(char *text)
{
	json_t *v = tj(text);

	free(text);
	return v;
}

static char *top;		/* absolute top source directory */
static char *fixtures;		/* absolute tests/data/jobs */
static char *start_cwd;		/* where the program started */

/* Whether dir holds our fixtures. */
static int
is_top(const char *dir)
{
	char *p = xasprintf("%s/tests/data/jobs/grid.yaml", dir);
	int ok = access(p, R_OK) == 0;

	free(p);
	return ok;
}

/* Find the source tree: $top_srcdir, this file's directory, or the cwd up. */
static int
find_top(void)
{
	const char *env = getenv("top_srcdir");
	static const char *const guesses[] = { ".", "..", "../..", NULL };
	char *dir = NULL, *slash, buf[PATH_MAX];
	size_t i;

	if (env != NULL && *env != '\0' && is_top(env))
		dir = xstrdup(env);
	if (dir == NULL) {
		dir = xstrdup(__FILE__);
		slash = strstr(dir, "tests/unit/test-job.c");
		if (slash != NULL && slash != dir) {
			slash[-1] = '\0';
			if (!is_top(dir)) {
				free(dir);
				dir = NULL;
			}
		} else {
			free(dir);
			dir = NULL;
		}
	}
	for (i = 0; dir == NULL && guesses[i] != NULL; i++) {
		if (is_top(guesses[i]))
			dir = xstrdup(guesses[i]);
	}
	if (dir == NULL || realpath(dir, buf) == NULL) {
		free(dir);
		return -1;
	}
	free(dir);
	top = xstrdup(buf);
	fixtures = xasprintf("%s/tests/data/jobs", top);
	if (getcwd(buf, sizeof buf) == NULL)
		return -1;
	start_cwd = xstrdup(buf);
	return 0;
}

/* Each test starts in the fixture directory. */
static int
setup(void **state)
{
	return chdir(fixtures);
}

/* And goes back to where the program started. */
static int
teardown(void **state)
{
	return chdir(start_cwd);
}

/* The working directory, allocated. */
static char *
cwd(void)
{
	char buf[PATH_MAX];

	assert_non_null(getcwd(buf, sizeof buf));
	return xstrdup(buf);
}

/* Load a job that must load. */
static struct job *
load_ok(const char *path)
{
	struct job *job = NULL;
	char *cause = NULL;

	if (job_load(path, &job, &cause) != 0)
		fail_msg("%s: unexpected error: %s", path, cause);
	assert_null(cause);
	assert_non_null(job);
	return job;
}

/* Load a job that must fail; return the message (caller frees). */
static char *
load_err(const char *path)
{
	struct job *job = (struct job *)&job;	/* must stay untouched */
	char *cause = NULL;

	assert_int_equal(job_load(path, &job, &cause), -1);
	assert_ptr_equal(job, (struct job *)&job);
	assert_non_null(cause);
	return cause;
}

/* Write a file (for the path-resolution tests). */
static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "we");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* A 2 x 3 grid over two modules: order, params, modules, runner, rank. */
static void
test_grid(void **state)
{
	static const char *const names[] = {
		"grid[n=1,block=16]", "grid[n=1,block=32]",
		"grid[n=1,block=64]", "grid[n=2,block=16]",
		"grid[n=2,block=32]", "grid[n=2,block=64]",
	};
	static const int n[] = { 1, 1, 1, 2, 2, 2 };
	static const int block[] = { 16, 32, 64, 16, 32, 64 };
	const struct job_testcase *tc;
	const struct job_settings *st;
	struct job *job = load_ok("grid.yaml");
	json_t *m, *te, *params, *modules;
	char hex[65];
	char *here = cwd(), *want;
	const char *key;
	size_t i;

	assert_string_equal(job_name(job), "grid");
	want = xasprintf("%s/grid.yaml", here);
	assert_string_equal(job_path(job), want);
	free(want);
	want = xasprintf("%s/ws", here);
	assert_string_equal(job_workspace(job), want);
	free(want);
	want = xasprintf("%s/ws/grid", here);
	assert_string_equal(job_output_dir(job), want);
	free(want);

	assert_int_equal(job_ntestcases(job), 6);
	assert_int_equal(job_nunits(job), 6);
	for (i = 0; i < 6; i++) {
		tc = job_testcase(job, i);
		assert_int_equal(job_testcase_index(job, tc), i);
		assert_string_equal(tc->name, names[i]);
		assert_string_equal(tc->algorithm, "grid");
		assert_string_equal(tc->paradigm, "singletasklearning");
		assert_int_equal(tc->runner, JOB_RUNNER_BUILTIN);
		assert_string_equal(tc->url, "gemm");
		assert_null(job_testcase_argv(job, tc));
		params = tj(tc->params);
		modules = tj_free(job_testcase_modules(job, tc));
		assert_int_equal(json_object_size(params), 2);
		/* file order: n first, then block */
		key = json_object_iter_key(json_object_iter(params));
		assert_string_equal(key, "n");
		assert_true(json_is_integer(json_object_get(params, "n")));
		assert_int_equal(json_integer_value(json_object_get(params,
		    "n")), n[i]);
		assert_int_equal(json_integer_value(json_object_get(params,
		    "block")), block[i]);
		assert_int_equal(json_array_size(modules), 2);
		m = json_array_get(modules, 0);
		assert_string_equal(json_string_value(json_object_get(m,
		    "type")), "basemodel");
		assert_string_equal(json_string_value(json_object_get(m,
		    "name")), "gemm");
		assert_string_equal(json_string_value(json_object_get(m,
		    "url")), "builtin:gemm");
		assert_int_equal(json_integer_value(json_object_get(
		    json_object_get(m, "hyperparameters"), "n")), n[i]);
		assert_null(json_object_get(json_object_get(m,
		    "hyperparameters"), "block"));
		m = json_array_get(modules, 1);
		assert_string_equal(json_string_value(json_object_get(m,
		    "type")), "hard_example_mining");
		assert_null(json_object_get(m, "url"));
		assert_int_equal(json_integer_value(json_object_get(
		    json_object_get(m, "hyperparameters"), "block")),
		    block[i]);
		json_decref(params);
		json_decref(modules);
		assert_int_equal(tc->first_unit, i);
		assert_int_equal(tc->nunits, 1);
		assert_int_equal(strlen(job_testcase_key(tc, hex)), 64);
	}

	/* testenv: unknown keys kept for the paradigm */
	te = job_testenv(job);
	assert_string_equal(json_string_value(json_object_get(te,
	    "my_paradigm_key")), "hello");
	assert_int_equal(json_integer_value(json_object_get(te,
	    "incremental_rounds")), 2);
	assert_int_equal(json_array_size(job_metric_names(job)), 2);
	assert_string_equal(json_string_value(json_array_get(
	    job_metric_names(job), 0)), "gflops");
	assert_string_equal(json_string_value(json_array_get(
	    job_metric_names(job), 1)), "checksum");

	/* rank */
	assert_int_equal(job_nsort_keys(job), 2);
	assert_string_equal(job_sort_key(job, 0)->metric, "gflops");
	assert_int_equal(job_sort_key(job, 0)->descend, 1);
	assert_string_equal(job_sort_key(job, 1)->metric, "time");
	assert_int_equal(job_sort_key(job, 1)->descend, 0);
	assert_non_null(job_selected_dataitem(job));
	assert_string_equal(json_string_value(json_array_get(json_object_get(
	    job_selected_dataitem(job), "metrics"), 0)), "gflops");
	assert_string_equal(job_save_mode(job), "selected_only");

	/* defaults */
	st = job_settings(job);
	assert_int_equal(st->parallel, -1);
	assert_int_equal(st->num_workers, 0);
	assert_true(st->timeout_s == 0);
	assert_int_equal(st->retries, 0);
	assert_int_equal(st->ram_mb, 0);
	assert_int_equal(st->vram_mb, 0);
	assert_int_equal(st->gpus, 0);
	assert_int_equal(st->cpus, 0);
	assert_string_equal(st->launcher, "local");
	assert_int_equal(st->partitions, 1);
	assert_int_equal(st->repeat, 1);
	assert_null(st->db);
	assert_ptr_equal(job_settings_mut(job), st);

	free(here);
	job_free(job);
}

/* Parameter types and command placeholders, with inline testenv/algorithm. */
static void
test_types(void **state)
{
	static const char *const names[] = {
		"t[v=1,w=x]", "t[v=2.5,w=x]", "t[v=3,w=x]", "t[v=true,w=x]",
		"t[v=abc,w=x]", "t[v=7,w=x]", "t[v=1.0,w=x]", "t[v=-4,w=x]",
		"t[v=1000.0,w=x]", "t[v=0.1,w=x]", "t[v=1e+29,w=x]",
		"t[v=0,w=x]", "t[v=100.0,w=x]",
	};
	static const json_type types[] = {
		JSON_INTEGER, JSON_REAL, JSON_STRING, JSON_TRUE, JSON_STRING,
		JSON_STRING, JSON_REAL, JSON_INTEGER, JSON_REAL, JSON_REAL,
		JSON_REAL, JSON_INTEGER, JSON_REAL,
	};
	/* argv gets each value exactly as written in the YAML */
	static const char *const text[] = {
		"1", "2.5", "3", "true", "abc", "7", "1.0", "-4", "1e3",
		"0.1", "99999999999999999999999999999", "-0", "1e2",
	};
	const struct job_testcase *tc;
	struct job *job = load_ok("types.yaml");
	json_t *v, *cmd, *params, *modules;
	char *want, **argv;
	size_t i;

	assert_int_equal(job_ntestcases(job), 13);
	for (i = 0; i < 13; i++) {
		tc = job_testcase(job, i);
		assert_string_equal(tc->name, names[i]);
		params = tj(tc->params);
		modules = tj_free(job_testcase_modules(job, tc));
		v = json_object_get(params, "v");
		assert_non_null(v);
		assert_int_equal(json_typeof(v), types[i]);
		assert_string_equal(json_string_value(json_object_get(
		    params, "w")), "x");
		assert_int_equal(tc->runner, JOB_RUNNER_COMMAND);
		assert_null(tc->url);
		argv = job_testcase_argv(job, tc);
		assert_non_null(argv);
		assert_string_equal(argv[0], "printf");
		assert_string_equal(argv[1], "%s\n");
		assert_string_equal(argv[2], text[i]);
		assert_string_equal(argv[3], "{v}");
		want = xasprintf("a{%s}b", text[i]);
		assert_string_equal(argv[4], want);
		free(want);
		assert_string_equal(argv[5], "}}{{");
		want = xasprintf("%sx", text[i]);
		assert_string_equal(argv[6], want);
		free(want);
		/* braces around no identifier are literal: JSON passes */
		want = xasprintf("{\"t\":\"m\",\"value\":%s}", text[i]);
		assert_string_equal(argv[7], want);
		free(want);
		assert_string_equal(argv[8], "{ v }{}{1x}{v");
		assert_null(argv[9]);
		strv_free(argv);
		/* the module records the filled command */
		cmd = json_object_get(json_array_get(modules, 0),
		    "command");
		assert_int_equal(json_array_size(cmd), 9);
		assert_string_equal(json_string_value(json_array_get(cmd, 2)),
		    text[i]);
		json_decref(params);
		json_decref(modules);
	}
	params = tj(job_testcase(job, 1)->params);
	assert_int_equal(json_real_value(json_object_get(params, "v")) == 2.5,
	    1);
	json_decref(params);
	params = tj(job_testcase(job, 7)->params);
	assert_int_equal(json_integer_value(json_object_get(params, "v")), -4);
	json_decref(params);

	/* inline testenv: metrics as mappings or plain names */
	assert_int_equal(json_array_size(job_metric_names(job)), 2);
	assert_string_equal(json_string_value(json_array_get(
	    job_metric_names(job), 1)), "plain");
	assert_null(job_selected_dataitem(job));
	assert_string_equal(job_save_mode(job), "selected_and_all");
	assert_int_equal(job_nsort_keys(job), 0);
	job_free(job);
}

/* Seed of a unit, computed here from its definition. */
static uint64_t
seed_of(const char *job, const char *tc, unsigned part, unsigned rep)
{
	struct sha256 s;
	unsigned char d[32];
	char num[16];
	uint64_t seed = 0;
	int i;

	sha256_init(&s);
	sha256_update(&s, job, strlen(job) + 1);
	sha256_update(&s, tc, strlen(tc) + 1);
	snprintf(num, sizeof num, "%u", part);
	sha256_update(&s, num, strlen(num) + 1);
	snprintf(num, sizeof num, "%u", rep);
	sha256_update(&s, num, strlen(num));
	sha256_final(&s, d);
	for (i = 0; i < 8; i++)
		seed = seed << 8 | d[i];
	return seed;
}

/* Units: partitions for jointinference, repeat for all, part-major. */
static void
test_units(void **state)
{
	const struct job_testcase *tc;
	const struct job_unit *u, *w;
	struct job *job = load_ok("units.yaml"), *again;
	char id[32], k1[65], k2[65];
	size_t i, j;

	assert_int_equal(job_ntestcases(job), 3);
	assert_string_equal(job_testcase(job, 0)->name, "ji[x=1]");
	assert_string_equal(job_testcase(job, 1)->name, "ji[x=2]");
	assert_string_equal(job_testcase(job, 2)->name, "st");
	assert_int_equal(job_nunits(job), 6 + 6 + 2);

	tc = job_testcase(job, 1);
	assert_int_equal(tc->first_unit, 6);
	assert_int_equal(tc->nunits, 6);
	for (i = 0; i < 6; i++) {
		u = job_unit(job, 6 + i);
		assert_int_equal(u->index, 6 + i);
		assert_int_equal(u->testcase, 1);
		assert_int_equal(u->part, i / 2);
		assert_int_equal(u->rep, i % 2);
		assert_int_equal(u->nparts, 3);
		assert_true(u->seed == seed_of("units", "ji[x=2]", i / 2,
		    i % 2));
	}
	tc = job_testcase(job, 2);
	assert_int_equal(tc->first_unit, 12);
	assert_int_equal(tc->nunits, 2);
	u = job_unit(job, 13);
	assert_int_equal(u->nparts, 1);
	assert_int_equal(u->part, 0);
	assert_int_equal(u->rep, 1);
	assert_string_equal(u->id, "u0013");

	/* ids, seeds and keys: unique and stable across loads */
	again = load_ok("units.yaml");
	for (i = 0; i < job_nunits(job); i++) {
		u = job_unit(job, i);
		snprintf(id, sizeof id, "u%04zu", i);
		assert_string_equal(u->id, id);
		assert_int_equal(strlen(ukey(job, i, k1)), 64);
		w = job_unit(again, i);
		assert_true(u->seed == w->seed);
		assert_string_equal(ukey(job, i, k1), ukey(again, i, k2));
		for (j = 0; j < i; j++) {
			assert_true(job_unit(job, j)->seed != u->seed);
			assert_string_not_equal(ukey(job, j, k2), k1);
		}
	}
	assert_string_equal(job_sha256(job), job_sha256(again));
	job_free(again);
	job_free(job);
}

/* Every one of our own keys, and sizes and durations in their forms. */
static void
test_settings(void **state)
{
	const struct job_settings *st;
	struct job *job = load_ok("settings.yaml");
	char *here = cwd(), *want;

	st = job_settings(job);
	assert_string_equal(job_workspace(job), "/tmp/bench-ws");
	assert_string_equal(job_output_dir(job), "/tmp/bench-ws/settings");
	assert_int_equal(st->parallel, 1);
	assert_int_equal(st->num_workers, -1);
	assert_true(st->timeout_s == 300);
	assert_int_equal(st->retries, 2);
	assert_int_equal(st->ram_mb, 1536);
	assert_int_equal(st->vram_mb, 512);
	assert_int_equal(st->gpus, 1);
	assert_int_equal(st->cpus, 4);
	assert_string_equal(st->launcher, "slurm");
	assert_string_equal(st->slurm_partition, "gpu-a100");
	assert_int_equal(st->partitions, 2);
	assert_int_equal(st->repeat, 3);
	want = xasprintf("%s/results/bench.db", here);
	assert_string_equal(st->db, want);
	free(want);
	/* singletasklearning: repeat applies, partitions do not */
	assert_int_equal(job_nunits(job), 3);
	assert_int_equal(job_unit(job, 2)->nparts, 1);
	job_free(job);

	job = load_ok("settings2.yaml");
	st = job_settings(job);
	assert_int_equal(st->parallel, 0);
	assert_int_equal(st->num_workers, 3);
	assert_true(st->timeout_s == 90);
	assert_int_equal(st->ram_mb, 1);	/* 800K rounds up */
	assert_int_equal(st->vram_mb, 4096);
	want = xasprintf("%s/workspace", here);
	assert_string_equal(job_workspace(job), want);
	free(want);
	job_free(job);
	free(here);
}

/* Keys: one edited value changes that test case's key only. */
static void
test_keys(void **state)
{
	struct job *a = load_ok("keys-a.yaml");
	struct job *a2 = load_ok("keys-a.yaml");
	struct job *b = load_ok("keys-b.yaml");
	struct job *c = load_ok("keys-c.yaml");
	char k1[65], k2[65];
	size_t i;

	assert_int_equal(job_ntestcases(a), 3);
	assert_int_equal(job_ntestcases(b), 3);
	assert_string_equal(tkey(a, 0, k1), tkey(b, 0, k2));
	assert_string_not_equal(tkey(a, 1, k1), tkey(b, 1, k2));
	assert_string_equal(tkey(a, 2, k1), tkey(b, 2, k2));
	assert_string_equal(ukey(a, 0, k1), ukey(b, 0, k2));
	assert_string_not_equal(ukey(a, 1, k1), ukey(b, 1, k2));
	assert_string_not_equal(job_sha256(a), job_sha256(b));

	/* the same file twice, and the same test cases written differently */
	assert_string_equal(job_sha256(a), job_sha256(a2));
	assert_string_equal(job_sha256(a), job_sha256(c));
	for (i = 0; i < 3; i++)
		assert_string_equal(tkey(a, i, k1), tkey(c, i, k2));
	assert_int_equal(strlen(job_sha256(a)), 64);
	/* keys do not depend on the job name; seeds do */
	assert_true(job_unit(a, 0)->seed != job_unit(c, 0)->seed);

	job_free(a);
	job_free(a2);
	job_free(b);
	job_free(c);
}

/*
 * Two modules may each have a hyperparameter of one name, as in Ianvs's
 * jointinference examples: the test case names it TYPE-NAME, each module
 * gets its own under its own name.
 */
static void
test_hp_modules(void **state)
{
	struct job *job = load_ok("ianvs-hp-modules.yaml");
	const struct job_testcase *tc;
	json_t *params, *modules;

	assert_int_equal(job_ntestcases(job), 2);
	tc = job_testcase(job, 1);
	params = tj(tc->params);
	modules = tj_free(job_testcase_modules(job, tc));
	assert_string_equal(tc->name, "a[n=16,basemodel-model=small,"
	    "hard_example_mining-model=large]");
	assert_int_equal(json_object_size(params), 3);
	assert_string_equal(json_string_value(json_object_get(params,
	    "basemodel-model")), "small");
	assert_string_equal(json_string_value(json_object_get(params,
	    "hard_example_mining-model")), "large");
	assert_string_equal(mod_hp(modules, 1, "model"), "large");
	assert_string_equal(mod_hp(modules, 0, "model"), "small");
	/* once per algorithm, each name mapped to its key in params */
	assert_int_equal(json_object_size(job_modules(job)), 1);
	json_decref(modules);
	modules = json_object_get(job_modules(job), "a");
	assert_int_equal(json_array_size(modules), 2);
	assert_string_equal(mod_hp(modules, 1, "model"),
	    "hard_example_mining-model");
	assert_string_equal(mod_hp(modules, 0, "model"), "basemodel-model");
	assert_string_equal(mod_hp(modules, 0, "n"), "n");
	json_decref(params);
	job_free(job);
	(void)state;
}

/* Relative paths: the cwd first, then the including file's directory. */
static void
test_paths(void **state)
{
	char tmpl[] = "/tmp/test-job.XXXXXX", *dir, *cause, *want, *here;
	const struct job_testcase *tc;
	struct job *job;

	dir = mkdtemp(tmpl);
	assert_non_null(dir);
	assert_int_equal(chdir(dir), 0);
	here = cwd();
	assert_int_equal(mkdir("sub", 0700), 0);
	write_file("sub/job.yaml",
	    "benchmarkingjob:\n"
	    "  name: paths\n"
	    "  testenv: env.yaml\n"
	    "  test_object:\n"
	    "    algorithms:\n"
	    "      - name: a\n"
	    "        url: algo.yaml\n"
	    "      - name: p\n"
	    "        algorithm:\n"
	    "          paradigm_type: singletasklearning\n"
	    "          modules: [{type: basemodel, url: ./plug.so}]\n");
	write_file("sub/env.yaml", "testenv: {metrics: [{name: sub}]}\n");
	write_file("sub/algo.yaml", "algorithm:\n"
	    "  paradigm_type: singletasklearning\n"
	    "  modules: [{type: basemodel, url: 'builtin:cellseg'}]\n");
	write_file("sub/plug.so", "");
	write_file("env.yaml", "testenv: {metrics: [{name: top}]}\n");
	write_file("algo.yaml", "algorithm:\n"
	    "  paradigm_type: singletasklearning\n"
	    "  modules: [{type: basemodel, url: 'builtin:gemm'}]\n");

	/* both exist: the working directory wins */
	job = load_ok("sub/job.yaml");
	assert_string_equal(job_testcase(job, 0)->url, "gemm");
	assert_string_equal(json_string_value(json_array_get(
	    job_metric_names(job), 0)), "top");
	tc = job_testcase(job, 1);
	assert_int_equal(tc->runner, JOB_RUNNER_PLUGIN);
	want = xasprintf("%s/sub/plug.so", here);
	assert_string_equal(tc->url, want);
	free(want);
	job_free(job);

	/* only next to the job file */
	assert_int_equal(unlink("algo.yaml"), 0);
	assert_int_equal(unlink("env.yaml"), 0);
	job = load_ok("sub/job.yaml");
	assert_string_equal(job_testcase(job, 0)->url, "cellseg");
	assert_string_equal(json_string_value(json_array_get(
	    job_metric_names(job), 0)), "sub");
	job_free(job);

	/* an absolute job path from another directory */
	want = xasprintf("%s/sub/job.yaml", dir);
	assert_int_equal(chdir("/"), 0);
	job = load_ok(want);
	assert_string_equal(job_path(job), want);
	assert_string_equal(job_workspace(job), "/workspace");
	assert_string_equal(job_testcase(job, 0)->url, "cellseg");
	job_free(job);
	free(want);
	assert_int_equal(chdir(dir), 0);

	/* missing: the message names both paths tried */
	assert_int_equal(unlink("sub/env.yaml"), 0);
	cause = load_err("sub/job.yaml");
	assert_string_equal(cause, "sub/job.yaml:3:12: testenv file "
	    "'env.yaml' not found (tried 'env.yaml' and 'sub/env.yaml')");
	free(cause);

	assert_int_equal(unlink("sub/job.yaml"), 0);
	assert_int_equal(unlink("sub/algo.yaml"), 0);
	assert_int_equal(unlink("sub/plug.so"), 0);
	assert_int_equal(rmdir("sub"), 0);
	assert_int_equal(chdir(fixtures), 0);
	assert_int_equal(rmdir(dir), 0);
	free(here);
}

/* -k: exact name, glob or substring; units and ids renumbered; no match is an error. */
static void
test_filter(void **state)
{
	struct job *job = load_ok("grid.yaml");
	const struct job_unit *u;
	uint64_t seed;
	char *cause = NULL, sha[65];
	size_t i;

	snprintf(sha, sizeof sha, "%s", job_sha256(job));
	assert_int_equal(job_filter(job, "n=2", &cause), 0);
	assert_null(cause);
	assert_int_equal(job_ntestcases(job), 3);
	assert_int_equal(job_nunits(job), 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(job_testcase_index(job,
		    job_testcase(job, i)), i);
		assert_int_equal(job_testcase(job, i)->first_unit, i);
		assert_int_equal(job_unit(job, i)->testcase, i);
		assert_int_equal(job_unit(job, i)->index, i);
	}
	assert_string_equal(job_testcase(job, 0)->name, "grid[n=2,block=16]");
	assert_string_equal(job_unit(job, 2)->id, "u0002");
	assert_string_not_equal(job_sha256(job), sha);

	/* a glob */
	assert_int_equal(job_filter(job, "*block=[36]*", &cause), 0);
	assert_int_equal(job_ntestcases(job), 2);
	assert_string_equal(job_testcase(job, 0)->name, "grid[n=2,block=32]");
	assert_string_equal(job_testcase(job, 1)->name, "grid[n=2,block=64]");
	/* a glob must match the whole name */
	assert_int_equal(job_filter(job, "block=32*", &cause), -1);
	assert_string_equal(cause, "no test case matches 'block=32*'");
	free(cause);
	cause = NULL;
	assert_int_equal(job_filter(job, "nothing", &cause), -1);
	assert_string_equal(cause, "no test case matches 'nothing'");
	free(cause);
	assert_int_equal(job_ntestcases(job), 2);	/* unchanged */
	/* a name copied from the output: its brackets are no glob */
	assert_int_equal(job_filter(job, "grid[n=2,block=64]", &cause), 0);
	assert_int_equal(job_ntestcases(job), 1);
	assert_string_equal(job_testcase(job, 0)->name, "grid[n=2,block=64]");
	job_free(job);

	/* units keep their seeds and keys, get new ids */
	job = load_ok("units.yaml");
	seed = job_unit(job, 12)->seed;
	cause = NULL;
	assert_int_equal(job_filter(job, "st", &cause), 0);
	assert_int_equal(job_ntestcases(job), 1);
	assert_int_equal(job_testcase(job, 0)->first_unit, 0);
	assert_int_equal(job_nunits(job), 2);
	u = job_unit(job, 0);
	assert_string_equal(u->id, "u0000");
	assert_int_equal(u->testcase, 0);
	assert_true(u->seed == seed);
	job_free(job);
}

/* Every error path, with its exact message. */
static void
test_errors(void **state)
{
	static const struct {
		const char	*file;
		const char	*cause;
	} cases[] = {
		{ "err-syntax.yaml", "err-syntax.yaml:3:13: yaml: mapping "
		  "values are not allowed in this context" },
		{ "err-utf8.yaml", "err-utf8.yaml:2:11: yaml: invalid leading "
		  "UTF-8 octet" },
		{ "err-empty.yaml", "err-empty.yaml:1:1: empty file" },
		{ "err-notmap.yaml",
		  "err-notmap.yaml:1:1: expected a mapping at the top" },
		{ "err-nojob.yaml", "err-nojob.yaml:1:1: missing key "
		  "'benchmarkingjob' at the top of the job file" },
		{ "err-root-typo.yaml", "err-root-typo.yaml:1:1: unknown key "
		  "'benchmarkingjobs' at the top of the job file (did you "
		  "mean 'benchmarkingjob'?)" },
		{ "err-noname.yaml", "err-noname.yaml:2:3: missing key 'name' "
		  "in benchmarkingjob" },
		/* found while loading, reported after the expansion's own,
		   in the order they were checked when it came first */
		{ "err-py-metric.yaml", "err-py-metric.yaml:11:14: this .py "
		  "metric runs only in Python-module test cases, and test "
		  "case 'c[x=3]' is not one (give its algorithm a .py "
		  "module, or the metric no url)" },
		{ "err-order.yaml", "err-order.yaml:15:15: test case name "
		  "'c[x=1]' is not unique" },
		{ "err-notest.yaml", "err-notest.yaml:2:3: missing key "
		  "'test_object' in benchmarkingjob" },
		{ "err-noalgs.yaml",
		  "err-noalgs.yaml:5:17: test_object has no algorithms" },
		{ "err-unknown-key.yaml", "err-unknown-key.yaml:7:3: unknown "
		  "key 'num_worker' in benchmarkingjob (did you mean "
		  "'num_workers'?)" },
		{ "err-dup-key.yaml", "err-dup-key.yaml:3:3: duplicate key "
		  "'name' in benchmarkingjob" },
		{ "err-retries.yaml", "err-retries.yaml:3:12: 'retries' must "
		  "be a non-negative integer, got 'many'" },
		{ "err-timeout.yaml", "err-timeout.yaml:3:12: 'timeout' must "
		  "be a duration (seconds, or like '90s', '5m', '1h'), got "
		  "'soon'" },
		{ "err-ram.yaml", "err-ram.yaml:4:10: 'ram' must be a size "
		  "(MiB, or like '512M', '4G', '1.5GiB'), got '4Q'" },
		{ "err-workers.yaml", "err-workers.yaml:3:16: 'num_workers' "
		  "must be a positive integer or 'auto', got '0'" },
		{ "err-resources-key.yaml", "err-resources-key.yaml:3:15: "
		  "unknown key 'rma' in resources (did you mean 'ram'?)" },
		{ "err-testenv-missing.yaml", "err-testenv-missing.yaml:3:12: "
		  "testenv file './nowhere/testenv.yaml' not found (tried "
		  "'nowhere/testenv.yaml')" },
		{ "err-empty-grid.yaml", "err-empty-grid.yaml:13:29: "
		  "hyperparameter 'n' has an empty grid (values: [])" },
		{ "err-ianvs-joint.yaml", "err-ianvs-joint.yaml:12:11: "
		  "jointinference with Python modules needs modules of type "
		  "edgemodel, cloudmodel and hard_example_mining, as Ianvs's "
		  "JointInference does: 'query-routing' has no "
		  "hard_example_mining" },
		{ "err-hp-collision.yaml", "err-hp-collision.yaml:14:19: "
		  "hyperparameter 'n' is defined twice in this module" },
		{ "err-no-runnable.yaml", "err-no-runnable.yaml:7:11: "
		  "algorithm 'a' has no module that runs: give one module "
		  "`url: builtin:NAME`, a .so path or `command: [...]`" },
		{ "err-learner.yaml", "err-learner.yaml:9:38: paradigm "
		  "federatedlearning trains a learner, and bench's learner is "
		  "builtin:logreg: use url: builtin:logreg" },
		{ "err-python.yaml", "err-python.yaml:10:20: python module "
		  "'./basemodel.py' not found (tried 'basemodel.py')" },
		{ "err-so-missing.yaml", "err-so-missing.yaml:10:20: plugin "
		  "'./nothere.so' not found (tried 'nothere.so')" },
		{ "err-command-notlist.yaml", "err-command-notlist.yaml:10:24: "
		  "'command' must be a non-empty list of strings, got "
		  "'echo hello'" },
		{ "err-builtin.yaml", "err-builtin.yaml:10:20: unknown "
		  "built-in test case 'builtin:gemmm' (did you mean "
		  "'builtin:gemm'?)" },
		{ "err-placeholder.yaml", "err-placeholder.yaml:10:48: "
		  "unknown placeholder '{blocks}': no hyperparameter 'blocks' "
		  "(did you mean 'block'?; write '{{blocks}}' for literal "
		  "braces)" },
		{ "err-dup-alg.yaml",
		  "err-dup-alg.yaml:6:16: duplicate algorithm name 'a'" },
		/* 1.0 is not 1; key order does not matter; the first value
		   equal to an earlier one is named */
		{ "err-dup-value.yaml", "err-dup-value.yaml:12:57: duplicate "
		  "value in hyperparameter 'n'" },
		{ "err-dup-name.yaml", "err-dup-name.yaml:5:15: test case "
		  "name 'a[n=1]' is not unique" },
		{ "err-module-key.yaml", "err-module-key.yaml:11:15: unknown "
		  "key 'hyperparameter' in module (did you mean "
		  "'hyperparameters'?)" },
		{ "err-paradigm.yaml", "err-paradigm.yaml:7:26: unknown "
		  "paradigm_type 'singletasklearnin' (did you mean "
		  "'singletasklearning'?)" },
		{ "err-sortby.yaml", "err-sortby.yaml:4:24: 'gflops' must be "
		  "'descend' or 'ascend', got 'up'" },
		/* counted at the job's mark, laid out after the documents */
		{ "err-units.yaml", "err-units.yaml:2:3: job makes more than "
		  "1048576 units" },
		{ "err-inc.yaml", "err-inc-algo.yaml:7:15: unknown key "
		  "'value' in hyperparameter 'n' (did you mean 'values'?)" },
		{ "err-multidoc.yaml",
		  "err-multidoc.yaml:6:1: yaml: expected a single document" },
		{ "err-alias-loop.yaml", "err-alias-loop.yaml:4:11: nesting "
		  "deeper than 64 levels" },
		{ "no-such-file.yaml",
		  "no-such-file.yaml: No such file or directory" },
	};
	char *cause;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cause = load_err(cases[i].file);
		if (strcmp(cause, cases[i].cause) != 0)
			fail_msg("%s:\n got  %s\n want %s", cases[i].file,
			    cause, cases[i].cause);
		free(cause);
	}
}

/* The quickstart example: 6 gemm + 2 sleep test cases, from anywhere. */
static void
test_quickstart(void **state)
{
	struct job *job;
	const struct job_testcase *tc;
	char *path, **argv;

	assert_int_equal(chdir(top), 0);
	job = load_ok("examples/quickstart.yaml");
	assert_string_equal(job_name(job), "quickstart");
	assert_int_equal(job_ntestcases(job), 8);
	assert_string_equal(job_testcase(job, 0)->name,
	    "gemm-blocked[n=256,block=16]");
	assert_string_equal(job_testcase(job, 5)->name,
	    "gemm-blocked[n=512,block=32]");
	assert_string_equal(job_testcase(job, 5)->url, "gemm");
	tc = job_testcase(job, 6);
	assert_string_equal(tc->name, "sleep[seconds=0.2]");
	assert_int_equal(tc->runner, JOB_RUNNER_COMMAND);
	argv = job_testcase_argv(job, tc);
	assert_string_equal(argv[0], "sleep");
	assert_string_equal(argv[1], "0.2");
	assert_null(argv[2]);
	strv_free(argv);
	argv = job_testcase_argv(job, job_testcase(job, 7));
	assert_string_equal(argv[1], "0.3");
	strv_free(argv);
	assert_int_equal(json_array_size(job_metric_names(job)), 2);
	assert_string_equal(job_sort_key(job, 0)->metric, "gflops");
	path = xasprintf("%s/workspace/quickstart", top);
	assert_string_equal(job_output_dir(job), path);
	free(path);
	job_free(job);

	/* from another directory, through the including-file fallback */
	assert_int_equal(chdir(fixtures), 0);
	path = xasprintf("%s/examples/quickstart.yaml", top);
	job = load_ok(path);
	assert_int_equal(job_ntestcases(job), 8);
	job_free(job);
	free(path);
}

/*
 * What a test case takes from its algorithm entry: the argv built from the
 * entry's template at the test case's own grid point (after -k moved it),
 * the interpreter and kwargs of a Python module, its url.
 */
static void
test_shared(void **state)
{
	struct job *job;
	const struct job_testcase *tc;
	char *cause = NULL, **argv, *url, *path;
	json_t *kw;
	size_t i;

	assert_int_equal(chdir(top), 0);
	job = load_ok("examples/quickstart.yaml");
	assert_int_equal(job_filter(job, "sleep[seconds=0.3]", &cause), 0);
	assert_int_equal(job_ntestcases(job), 1);
	argv = job_testcase_argv(job, job_testcase(job, 0));
	assert_string_equal(argv[0], "sleep");
	assert_string_equal(argv[1], "0.3");
	assert_null(argv[2]);
	strv_free(argv);
	job_free(job);

	/* an Ianvs tree is run from its directory */
	path = xasprintf("%s/examples/ianvs", top);
	assert_int_equal(chdir(path), 0);
	free(path);
	job = load_ok("benchmarkingjob.yaml");
	assert_int_equal(job_ntestcases(job), 2);
	url = xasprintf("%s/examples/ianvs/algorithm/basemodel.py", top);
	for (i = 0; i < 2; i++) {
		tc = job_testcase(job, i);
		assert_int_equal(tc->runner, JOB_RUNNER_PYTHON);
		assert_string_equal(tc->url, url);
		assert_null(job_testcase_argv(job, tc));
		kw = job_testcase_kwargs(job, tc);
		assert_non_null(kw);
		assert_string_equal(json_string_value(json_object_get(kw,
		    "initial_model_url")), "");
	}
	free(url);
	assert_string_equal(job_python(job), "python3");
	job_set_python(job, "/opt/py/bin/python3");
	assert_string_equal(job_python(job), "/opt/py/bin/python3");
	job_free(job);
	(void)state;
}

/* Run the tests from the fixture directory. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_grid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_types, setup, teardown),
		cmocka_unit_test_setup_teardown(test_units, setup, teardown),
		cmocka_unit_test_setup_teardown(test_settings, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hp_modules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quickstart, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_shared, setup, teardown),
	};
	int rc;

	if (find_top() != 0) {
		fprintf(stderr, "test-job: fixtures not found: set "
		    "top_srcdir\n");
		return 99;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(top);
	free(fixtures);
	free(start_cwd);
	return rc;
}
