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

#include <jansson.h>

struct job;

/* A problem with one test case's merge, for the run's events. */
typedef void (*merge_warn_cb)(const char *msg, void *data);

/*
 * The metrics of test case tc of job, from unit_metrics (indexed by job
 * unit index; every unit of tc ended ok). self_exe runs a plugin's merge()
 * in a worker process. Returns a new object; problems go to warn and leave
 * the affected repetition out.
 */
json_t *merge_testcase(const struct job *job, size_t tc,
    json_t *const *unit_metrics, const char *self_exe, merge_warn_cb warn,
    void *data);

/* The mean of each metric every object of objs[0..n) has; timing OR'd. */
json_t *merge_mean(json_t *const *objs, size_t n);

#endif
