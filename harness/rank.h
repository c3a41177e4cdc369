/*
 * rank: the ranking of test cases by a job's rank.sort_by, shared by the
 * terminal summary and the reports so they always agree.
 */
#ifndef BENCH_RANK_H
#define BENCH_RANK_H

#include <jansson.h>

/*
 * Compare two test cases' metrics (objects name -> real) by sort_by, an
 * array of {"METRIC": "descend"|"ascend"} in priority order: < 0 when a
 * ranks first, > 0 when b does, 0 when the keys do not decide (the caller
 * breaks the tie, e.g. by job order). A test case without a metric ranks
 * after one with it.
 */
int rank_compare(json_t *sort_by, json_t *a, json_t *b);

#endif
