/*
 * job: load a benchmark-job YAML (KubeEdge Ianvs layout, see DESIGN.md) and
 * expand it into test cases and units.
 *
 * Call order: job_load() -> job_filter() (optional, -k) -> accessors ->
 * job_free(). After job_load() the job is immutable except for the settings
 * returned by job_settings_mut(), which the command line may override.
 *
 * Test cases and units are plain data owned by the job; pointers returned by
 * the accessors stay valid until job_free().
 */
#ifndef BENCH_JOB_H
#define BENCH_JOB_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* What runs a test case. */
enum job_runner {
	JOB_RUNNER_BUILTIN,	/* url: builtin:NAME, compiled into bench */
	JOB_RUNNER_PLUGIN,	/* url: path to a .so test-case plugin */
	JOB_RUNNER_COMMAND,	/* command: [argv...], exec'd without a shell */
	JOB_RUNNER_PYTHON,	/* url: path to a .py Ianvs module, run by bench's
				   Python adapter (python/bench_ianvs) */
};

/* One rank.sort_by entry: `- METRIC: descend|ascend`. */
struct job_sort_key {
	char	*metric;
	int	 descend;	/* 1 descend (bigger is better), 0 ascend */
};

/*
 * Our own keys (all optional, at benchmarkingjob level). Unset values are
 * given below; the command line overwrites fields before the run.
 */
struct job_settings {
	int	 parallel;	/* parallel_execution: -1 unset, 0 no, 1 yes */
	int	 num_workers;	/* 0 unset, -1 `auto`, > 0 a count */
	double	 timeout_s;	/* per unit; 0 = none. number or "90s"/"5m"/"1h" */
	int	 retries;	/* extra attempts after an oom/launcher end; default 0 */
	uint64_t ram_mb;	/* resources.ram per unit in MiB; 0 undeclared.
				   number = MiB, or "512M", "4G", "1.5GiB" */
	uint64_t vram_mb;	/* resources.vram per unit in MiB; 0 undeclared */
	int	 gpus;		/* resources.gpus per unit; 0 undeclared */
	int	 cpus;		/* resources.cpus per unit; 0 undeclared */
	char	*launcher;	/* "local" (default) or "slurm" */
	char	*slurm_partition; /* srun --partition; NULL: Slurm's default */
	int	 partitions;	/* default 1; units per test case for jointinference */
	int	 repeat;	/* default 1; every unit is run this many times */
	int	 warmup;	/* default 0; warm-up repetitions run before the
				   repeat ones, stored marked and left out of
				   every statistic and merged metric */
	char	*db;		/* absolute path of the database, or NULL for default */
	char	*python;	/* `python`: the interpreter of Python units,
				   NULL: "python3" from PATH */
};

struct job_testcase {
	char	*name;		/* unique in the job: "ALGO" when the grid has one
				   point, else "ALGO[k=v,k2=v2]" with the
				   hyperparameters in file order */
	const char *algorithm;	/* test_object.algorithms[].name; shared by
				   the algorithm's test cases */
	const char *paradigm;	/* algorithm.paradigm_type; shared too */
	char	*params;	/* compact JSON object text: every module's
				   hyperparameters at this grid point, file order;
				   values keep their YAML type (int, real, string,
				   bool). Text, not a jansson tree, so a grid of
				   10^5..10^6 test cases costs bytes per test case */
	const char *url;	/* BUILTIN: the name after "builtin:";
				   PLUGIN: absolute path of the .so;
				   PYTHON: absolute path of the .py;
				   COMMAND: NULL. Shared by the algorithm's
				   test cases */
	unsigned char key[32];	/* SHA-256 of the test case's canonical
				   configuration (algorithm, paradigm, runner,
				   url/argv, params, testenv): an edit to one test
				   case changes its key only. Its hex, the key
				   bench stores and shows, is
				   job_testcase_key()'s */
	enum job_runner runner;
	uint32_t alg;		/* its algorithm entry (test_object.algorithms
				   index) and its point of that entry's grid */
	uint32_t point;		/* (from 0, last parameter fastest): what
				   job_testcase_argv() builds argv from */
	uint32_t first_unit;	/* its units are [first_unit, first_unit+nunits):
				   at most PLAN_MAX_UNITS */
	uint32_t nunits;
	/* 32-bit counts, its position not kept (job_testcase_index())
	   and no per-test-case copies of what its algorithm entry has
	   (the interpreter, kwargs: job_python(),
	   job_testcase_kwargs()), the key in binary: 96 bytes, at
	   10^5..10^6 test cases */
};

/* 48 bytes: at most PLAN_MAX_UNITS units, so 32-bit indexes. */
struct job_unit {
	uint32_t index;		/* position in the job, from 0 */
	uint32_t testcase;	/* index of its test case */
	unsigned part;		/* dataset partition, 0..nparts-1 */
	unsigned nparts;	/* partitions of its test case (1 unless
				   jointinference) */
	unsigned rep;		/* repetition, 0..warmup+repeat-1; the first
				   warmup ones are warm-up */
	int	 warmup;	/* 1: a warm-up repetition (rep < warmup) */
	uint64_t seed;		/* from SHA-256(job name, test case name, part,
				   rep): never from order or time */
	char	 id[16];	/* "u0003" style, unique in the job, safe as a
				   file name */
	/* its key, hex SHA-256(test case key, part, nparts, rep), is
	   plan_unit_key()'s, computed when asked */
};

struct job;

/*
 * Load the job file at path, resolving `url:` files and `testenv` against the
 * working directory first, then the including file's directory (as Ianvs
 * does). On error return -1 with *cause "FILE:LINE:COL: message" (the mark
 * of the offending node; unknown keys get "did you mean 'KEY'?") and *out
 * untouched.
 */
int job_load(const char *path, struct job **out, char **cause);
void job_free(struct job *job);

const char *job_name(const struct job *job);
/* Absolute path of the file given to job_load(). */
const char *job_path(const struct job *job);
/* Absolute `workspace` as written (default "./workspace"); bench.db lives
   here by default, shared by the jobs that share it. */
const char *job_workspace(const struct job *job);
/* Absolute `workspace/name`, Ianvs's effective workspace: runs, logs, rank/. */
const char *job_output_dir(const struct job *job);
/* Hex SHA-256 over every test case's key, in order: equal for two runs of
   the same job whatever the mode or worker count. */
const char *job_sha256(const struct job *job);

const struct job_settings *job_settings(const struct job *job);
struct job_settings *job_settings_mut(struct job *job);

size_t job_ntestcases(const struct job *job);
const struct job_testcase *job_testcase(const struct job *job, size_t i);
/* The position of tc, one of job_testcase()'s, in the job, from 0. */
size_t job_testcase_index(const struct job *job,
    const struct job_testcase *tc);
/* The test case's key as 64 hex digits and a NUL in out; returns out. */
const char *job_testcase_key(const struct job_testcase *tc, char out[65]);
size_t job_nunits(const struct job *job);
const struct job_unit *job_unit(const struct job *job, size_t i);

size_t job_nsort_keys(const struct job *job);
const struct job_sort_key *job_sort_key(const struct job *job, size_t i);
/* rank.selected_dataitem as JSON (borrowed), or NULL. */
json_t *job_selected_dataitem(const struct job *job);
/* rank.save_mode, default "selected_and_all". */
const char *job_save_mode(const struct job *job);
/* testenv as a JSON object (borrowed): dataset, metrics, paradigm keys. */
json_t *job_testenv(const struct job *job);
/* Names listed in testenv.metrics, in order (borrowed array of strings). */
json_t *job_metric_names(const struct job *job);
/*
 * Every algorithm's modules without their values (borrowed): {"ALGO":
 * [{"type", "name", "url" (resolved) | "command" (as written, with its
 * placeholders), "hyperparameters": {"NAME": "KEY"}, "runs": true (only
 * on the module bench runs)}...]}, where KEY names the value in a test
 * case's params (the name, or TYPE-NAME when two modules share it). With
 * params it gives a test case's modules, at a size that does not grow
 * with the grid.
 */
json_t *job_modules(const struct job *job);

/*
 * A COMMAND test case's argv (allocated, NULL-terminated; strv_free()),
 * else NULL: the running module's command with its {NAME} placeholders
 * filled with each value's text as written in the YAML. Only
 * identifier-shaped braces are placeholders; {{NAME}} is a literal
 * {NAME}. Built when asked rather than kept: at 10^5 test cases the
 * copies cost megabytes.
 */
char **job_testcase_argv(const struct job *job,
    const struct job_testcase *tc);

/*
 * A test case's modules as compact JSON array text (allocated): each of
 * its algorithm's job_modules() without "runs", the command of the module
 * that runs filled as job_testcase_argv() (another module's as written), and
 * "hyperparameters" valued from tc->params. Built on demand rather than
 * kept: at 10^5 test cases the copies cost megabytes.
 */
char *job_testcase_modules(const struct job *job,
    const struct job_testcase *tc);

/*
 * Set the interpreter of the Python units: `python` of the job file, or
 * this one (--python), or "python3" found on PATH when both are unset.
 */
void job_set_python(struct job *job, const char *python);
/* That interpreter: `python`, or "python3". */
const char *job_python(const struct job *job);

/*
 * A PYTHON test case's kwargs (borrowed), else NULL: what Ianvs hands the
 * paradigm from the algorithm and job: {initial_model_url,
 * incremental_learning_data_setting, hard_example_mining_mode} as given.
 */
json_t *job_testcase_kwargs(const struct job *job,
    const struct job_testcase *tc);

/*
 * Parse a duration as the job file's `timeout` takes it: seconds, or a
 * non-negative number with s, ms, m or h ("90", "1.5s", "5m", "1h").
 * Returns 0 with *out in seconds, or -1.
 */
int job_parse_duration(const char *s, double *out);

/*
 * Keep only the test cases whose name matches pattern (the exact name
 * first, then an fnmatch glob, then a substring: see plan_filter()); re-number
 * units.
 * Returns -1 with *cause when nothing matches.
 */
int job_filter(struct job *job, const char *pattern, char **cause);

/*
 * Lay the units out again with repeat measured and warmup warm-up
 * repetitions per unit (--repeat, --warmup); repeat >= 1 and warmup >= 0,
 * or -1 to keep the job's. Returns -1 with *cause when there would be too
 * many units.
 */
int job_set_repeat(struct job *job, int repeat, int warmup, char **cause);

#endif
