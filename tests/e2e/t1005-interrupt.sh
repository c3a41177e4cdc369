#!/bin/sh
# Ctrl-C (SIGINT) and SIGTERM to bench: every worker group killed, the run
# marked interrupted, the summary so far printed, exit 130, and a
# consistent database.
. "$top_srcdir/tests/helper/lib.sh"
set -e

# a sleep of our own, so the leftover check sees only this test's processes
ln -s "$(command -v sleep)" "$SCRATCH/zz"
Z="$SCRATCH/zz"
job_begin interrupt
algo quick '["true"]'
algo slow "[\"sh\", \"-c\", \"$Z 42.{n}\"]" "              hyperparameters:
                - n: {values: [1, 2, 3, 4, 5, 6]}"

for sig in INT TERM; do
	rm -rf ws
	"$BENCH" -f job.yaml --parallel -w 2 >out.txt 2>err.txt &
	pid=$!
	# wait until both slow units run (bench may start slowly, e.g. under
	# valgrind; a signal before its handler is installed would be lost)
	for i in $(seq 300); do
		[ "$(sql ws/bench.db "SELECT count(*) FROM units WHERE status='running' AND testcase LIKE 'slow%'" 2>/dev/null)" = 2 ] && break
		sleep 0.1
	done
	kill -$sig $pid
	set +e
	wait $pid
	rc=$?
	set -e
	expect_eq "exit after SIG$sig" $rc 130
	DB=ws/bench.db
	expect_eq "run status" "$(sql $DB 'SELECT status FROM runs')" interrupted
	expect_eq "quick ok" "$(sql $DB "SELECT status FROM units WHERE testcase='quick'")" ok
	expect_eq "interrupted units" "$(sql $DB "SELECT count(*) FROM units WHERE status='interrupted'")" 2
	expect_eq "never started" "$(sql $DB "SELECT count(*) FROM units WHERE status='pending'")" 4
	expect_match "summary printed" "$(cat out.txt)" "run 1 interrupted"
	no_leftovers "$Z 42"
	integrity $DB
done
exit 0
