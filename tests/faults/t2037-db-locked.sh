#!/bin/sh
# Another process holds the database (sqlite3 in an exclusive transaction
# for ~8 s) while units run: the controller does not freeze. A unit with a
# 2 s timeout is stopped at ~2 s, and the times stored are the loop's,
# not those of the moment the lock went away.
. "$top_srcdir/tests/helper/lib.sh"
set -e
DB=ws/bench.db
job_begin locked "  timeout: 2"
algo quick '["sleep", "1"]'
algo hang '["sleep", "30"]'
"$BENCH" -f job.yaml --parallel -w 2 --grace 1 >out.txt 2>err.txt &
pid=$!
for i in $(seq 300); do
	[ "$(sql $DB "SELECT count(*) FROM units WHERE status='running'" 2>/dev/null)" = 2 ] && break
	sleep 0.05
done
[ "$i" -lt 300 ] || fail "the units never ran"
# hold the write lock for 8 s
{ echo "BEGIN EXCLUSIVE;"; echo "SELECT 'locked';"; sleep 8; echo "COMMIT;"; } |
    sqlite3 $DB >lock.txt 2>&1 &
locker=$!
set +e
wait $pid
rc=$?
set -e
wait $locker || true
expect_eq "the lock was held" "$(cat lock.txt)" locked
expect_eq "bench exit" $rc 1
expect_eq "quick" "$(sql $DB "SELECT status FROM units WHERE testcase='quick'")" ok
expect_eq "hang" "$(sql $DB "SELECT status FROM units WHERE testcase='hang'")" timeout
expect_eq "hang stopped at its timeout" \
    "$(sql $DB "SELECT wall_s < 3.5 FROM units WHERE testcase='hang'")" 1
expect_eq "quick's time is its own" \
    "$(sql $DB "SELECT wall_s < 2.5 FROM units WHERE testcase='quick'")" 1
expect_eq "finished_at is the exit's" \
    "$(sql $DB "SELECT max(finished_at - started_at) < 3.5 FROM units")" 1
integrity $DB
exit 0
