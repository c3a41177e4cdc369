#!/bin/sh
# jointinference: a test case split into 4 partitions (4 units) merges to
# exactly the metrics of the same test case run unsplit.
. "$top_srcdir/tests/helper/lib.sh"
set -e

for parts in 1 4; do
	cat >job$parts.yaml <<JOB
benchmarkingjob:
  name: joint$parts
  workspace: ./ws
  partitions: $parts
  testenv: {dataset: {}, metrics: [dice, iou]}
  test_object:
    type: algorithms
    algorithms:
      - name: seg
        algorithm:
          paradigm_type: jointinference
          modules:
            - type: basemodel
              name: cellseg
              url: builtin:cellseg
              hyperparameters:
                - images: {values: [8]}
                - noise: {values: [0.15]}
JOB
	run_bench 0 -f job$parts.yaml --parallel -w 2 -q
done
DB=ws/bench.db
expect_eq "units" "$(sql $DB "SELECT group_concat(n) FROM (SELECT count(*) n FROM units GROUP BY run_id ORDER BY run_id)")" "1,4"
q="SELECT printf('%%.17g', value) FROM testcase_metrics WHERE run_id=%d AND name='%s'"
for m in dice iou cell_count_error tp fp fn; do
	a=$(sql $DB "$(printf "$q" 1 $m)")
	b=$(sql $DB "$(printf "$q" 2 $m)")
	[ -n "$a" ] || fail "no $m"
	expect_eq "merged $m" "$b" "$a"
done
# the partitions really differ
expect_eq "distinct partition results" "$(sql $DB "SELECT count(DISTINCT value) FROM metrics m JOIN units u ON u.id=m.unit_id WHERE u.run_id=2 AND m.name='tp'")" 4
exit 0
