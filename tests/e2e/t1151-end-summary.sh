#!/bin/sh
# The end of a run: every unit that did not end ok is listed with its
# status, error, log path and the log's last lines; the ranked table shows
# the status word; an interrupted run says how to resume it.
. "$top_srcdir/tests/helper/lib.sh"
set -e

ln -s "$(command -v sleep)" "$SCRATCH/zz"
Z="$SCRATCH/zz"
job_begin ends "  timeout: 1"
algo good '["true"]'
algo bad '["sh", "-c", "echo first-line; echo the-last-words >&2; exit 3"]'
algo crash '["sh", "-c", "echo dying; kill -SEGV $$"]'
algo slow "[\"$Z\", \"51\"]"
run_bench 1 -f job.yaml --parallel -w 4
expect_match "listed" "$(cat out.txt)" "units that did not end ok:"
expect_match "failed unit and error" "$(cat out.txt)" "failed +bad: exit status 3"
expect_match "crashed unit" "$(cat out.txt)" "crashed +crash: "
expect_match "timed out unit" "$(cat out.txt)" "timeout +slow: "
log=$(sql ws/bench.db "SELECT log_path FROM units WHERE testcase = 'bad'")
expect_match "log path" "$(cat out.txt)" "log $log"
expect_match "log tail" "$(cat out.txt)" "\| the-last-words"
expect_match "status word in the table" "$(grep '^[0-9].* bad ' out.txt)" " failed "
if grep -q ' bad  *[0-9]/[0-9] bad' out.txt; then fail "table says 'N/M bad'"; fi
if grep -q '^  ok  *good' out.txt; then fail "an ok unit listed"; fi

# an interrupted run suggests --resume
job_begin stop
algo slow "[\"$Z\", \"52\"]"
"$BENCH" -f job.yaml >out.txt 2>err.txt &
pid=$!
for i in $(seq 300); do
	[ "$(sql ws/bench.db "SELECT count(*) FROM units WHERE status='running'" 2>/dev/null)" = 1 ] && break
	sleep 0.1
done
kill -INT $pid
set +e
wait $pid
rc=$?
set -e
expect_eq "interrupted" $rc 130
expect_match "resume hint" "$(cat out.txt)" "bench -f job.yaml --resume 2"
no_leftovers "$Z 5"
exit 0
