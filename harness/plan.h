/*
 * plan: turn a job's test cases into units, the work one worker runs: how
 * many units a test case has (data partitions of its paradigm times
 * repetitions), their order, ids, seeds and keys; and the -k filter that
 * keeps some test cases and renumbers their units. It reads and writes
 * the plain structs of job.h; job.c owns the arrays and the job.
 */
#ifndef BENCH_PLAN_H
#define BENCH_PLAN_H

#include <stddef.h>

#include "job.h"

#define PLAN_MAX_UNITS		(1U << 20)

/*
 * Lay out the units of tcs[0..ntcs): each test case gets nparts x repeat
 * units, part-major, where nparts is partitions when its paradigm's units
 * are data partitions (struct paradigm.partitioned) and 1 otherwise. Sets
 * each test case's first_unit and nunits and returns the units in *units
 * (allocated, the caller frees) and their number in *nunits. A unit's seed
 * comes from (job_name, test case name, part, rep), its key
 * (plan_unit_key()) from (test case key, part, nparts, rep), its id from
 * its index: never from order of execution or time. Every paradigm must
 * be one of paradigm_find()'s.
 * Returns -1, with nothing allocated, when the job would make more than
 * PLAN_MAX_UNITS units.
 */
int plan_units(const char *job_name, struct job_testcase *tcs, size_t ntcs,
    unsigned partitions, unsigned repeat, struct job_unit **units,
    size_t *nunits);

/*
 * Unit u's key, of its test case tc, as 64 hex digits and a NUL in out:
 * SHA-256(test case key, part, nparts, rep). Computed when asked, not
 * kept: 72 bytes a unit at 10^5..10^6 units.
 */
void plan_unit_key(const struct job_testcase *tc, const struct job_unit *u,
    char out[65]);

/*
 * The number of units plan_units() would lay out, in *nunits, without
 * laying them out: 0, or -1 when there would be more than PLAN_MAX_UNITS.
 */
int plan_count(const struct job_testcase *tcs, size_t ntcs, unsigned partitions,
    unsigned repeat, size_t *nunits);

/*
 * Keep the test cases whose name matches pattern: the test case named
 * exactly pattern (a name copied from the output, brackets and all); else
 * those it matches as an fnmatch glob, when it has *, ? or [; else those
 * whose name holds it. Returns how many match. When some do,
 * they move to the front of tcs in their order, and *units is
 * replaced (the old array freed) by theirs, renumbered with new ids and
 * the same seeds and keys; the test cases that do not match are left in
 * tcs after the kept ones, for the caller to clear. When none matches,
 * nothing changes.
 */
size_t plan_filter(struct job_testcase *tcs, size_t ntcs,
    struct job_unit **units, size_t *nunits, const char *pattern);

#endif
