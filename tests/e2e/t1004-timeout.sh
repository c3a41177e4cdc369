#!/bin/sh
# Per-unit timeouts: SIGTERM to the group, SIGKILL after the grace period
# for a unit that ignores SIGTERM; grandchildren go too.
. "$top_srcdir/tests/helper/lib.sh"
set -e

# a sleep of our own, so the leftover check sees only this test's processes
ln -s "$(command -v sleep)" "$SCRATCH/zz"
Z="$SCRATCH/zz"
job_begin timeouts "  timeout: 1"
algo sleeper "[\"$Z\", \"41.5\"]"
algo stubborn "[\"sh\", \"-c\", \"trap '' TERM; $Z 41.6; $Z 41.6\"]"
algo family "[\"sh\", \"-c\", \"$Z 41.7 & $Z 41.7 & wait\"]"
algo quick '["true"]'
start=$(date +%s)
run_bench 1 -f job.yaml --parallel -w 4 --grace 1
end=$(date +%s)
[ $((end - start)) -le 8 ] || fail "timeouts took $((end - start))s"
DB=ws/bench.db
for t in sleeper stubborn family; do
	expect_eq "$t" "$(sql $DB "SELECT status FROM units WHERE testcase='$t'")" timeout
done
expect_eq quick "$(sql $DB "SELECT status FROM units WHERE testcase='quick'")" ok
expect_eq "stubborn killed" "$(sql $DB "SELECT signal FROM units WHERE testcase='stubborn'")" 9
expect_match "timeout error" "$(sql $DB "SELECT error FROM units WHERE testcase='sleeper'")" "timed out after 1s"
no_leftovers "$Z 41"
integrity $DB
exit 0
