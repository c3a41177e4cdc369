#!/bin/sh
# A test case's merge() (plugin code) runs in a worker process, never in
# the controller: a merge that crashes fails that test case's merge only,
# with an event saying so; the run and the other test cases go on, and a
# merge that works gives the exact sum of its partitions. (Under ASan the
# worker's SIGSEGV is caught and becomes an exit status.)
. "$top_srcdir/tests/helper/lib.sh"
set -e

command -v cc >/dev/null || skip "no C compiler"
cc -shared -fPIC -std=c11 -I"$top_srcdir/include" \
	"$top_srcdir/tests/helper/crashmerge.c" -o crashmerge.so
cat >job.yaml <<JOB
benchmarkingjob:
  name: mergeworker
  workspace: ./ws
  partitions: 3
  testenv: {dataset: {}, metrics: [n]}
  test_object:
    type: algorithms
    algorithms:
      - name: crash
        algorithm:
          paradigm_type: jointinference
          modules:
            - {type: basemodel, name: crash, url: ./crashmerge.so}
      - name: sum
        algorithm:
          paradigm_type: jointinference
          modules:
            - {type: basemodel, name: sum, url: ./crashmerge.so}
JOB
run_bench 0 -f job.yaml --parallel -w 2
DB=ws/bench.db
expect_eq "every unit ok" "$(sql $DB "SELECT count(*) FROM units WHERE status='ok'")" 6
expect_eq "run ok" "$(sql $DB "SELECT status FROM runs")" ok
expect_match "crash is an event" \
	"$(sql $DB "SELECT detail FROM events WHERE kind='merge'")" \
	"merge of test case 'crash' failed: the merge worker (was killed by signal 11|exited [1-9])"
expect_eq "no merged metric for crash" \
	"$(sql $DB "SELECT count(*) FROM testcase_metrics WHERE testcase='crash'")" 0
expect_eq "sum merged exactly (1+2+3)" \
	"$(sql $DB "SELECT value FROM testcase_metrics WHERE testcase='sum' AND name='n'")" 6.0
expect_eq "merge files cleaned up" "$(ls ws/mergeworker/runs/1/work | grep -c merge || true)" 0
exit 0
