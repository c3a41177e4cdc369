/*
 * merge: a test case's metrics from its units' metrics, taken in unit
 * order so the result does not depend on the order they finished in. Per
 * repetition the partitions of the data (jointinference) are merged by the
 * test case's merge() when it has one (exact: sums of counts, then the
 * metric), else by their mean; the repetitions are then averaged. A metric
 * not reported by every unit is left out.
 *
 * Metrics are JSON objects {name: [value, timing]}.
 */
#ifndef BENCH_MERGE_H
#define BENCH_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct job;

/* A problem with one test case's merge, for the run's events. */
typedef void (*merge_warn_cb)(const char *msg, void *data);

/* Where a test case's merge() runs: `SELF worker --merge IN --merge-out
   OUT`, with IN and OUT files in dir. */
struct merge_env {
	const char	*self_exe;
	const char	*dir;
	double		 timeout_s;	/* the worker is killed after it */
};
#define MERGE_TIMEOUT	60.0

/*
 * The metrics of test case tc of job, from unit_metrics (indexed by job
 * unit index; every unit of tc ended ok). When the test case has partitions
 * and is not a command, its merge() (plugin code) runs in a worker process,
 * never in the controller: a crash or a hang there fails that merge only.
 * Returns a new object; problems go to warn and leave the affected
 * repetition out.
 */
json_t *merge_testcase(const struct job *job, size_t tc,
    json_t *const *unit_metrics, const struct merge_env *env,
    merge_warn_cb warn, void *data);

/*
 * The worker's side (`bench worker --merge IN --merge-out OUT --url URL
 * --testcase NAME`): IN holds {"reps": [[{metrics of part 0}, ...], ...]};
 * write {"reps": [{merged metrics}, ...], "errors": [message, ...]} to OUT.
 * A repetition whose merge failed is {} and its reason is in "errors".
 * 0, or -1 with *cause (unreadable input, test case that cannot load).
 */
int merge_serve(const char *url, const char *testcase, const char *in,
    const char *out, char **cause);

/* The mean of each metric every object of objs[0..n) has; timing OR'd. */
json_t *merge_mean(json_t *const *objs, size_t n);

#endif
