#!/bin/sh
# bench SIGKILLed mid-run (a user, the OOM killer, a unit killing its
# parent): its units die with it (PR_SET_PDEATHSIG) instead of running on
# under PID 1, the run is shown 'abandoned' by `bench runs` and the
# reports instead of 'running' for ever, and --resume of it is accepted
# then; --resume of a run whose controller lives is refused (exit 2),
# since it would run every unit twice at once.
. "$top_srcdir/tests/helper/lib.sh"
set -e
ln -s "$(command -v sleep)" "$SCRATCH/zz"
Z="$SCRATCH/zz"
DB=ws/bench.db
job_begin killed
algo slow "[\"$Z\", \"42.{n}\"]" "              hyperparameters:
                - n: {values: [1, 2, 3]}"

"$BENCH" -f job.yaml --parallel -w 2 >out.txt 2>err.txt &
pid=$!
for i in $(seq 300); do
	[ "$(sql $DB "SELECT count(*) FROM units WHERE status='running'" 2>/dev/null)" = 2 ] && break
	sleep 0.1
done
[ "$i" -lt 300 ] || fail "the units never ran"

# a live run: shown running, and cannot be resumed
run_bench 0 runs --db $DB
expect_match "bench runs (live)" "$(cat out.txt)" " running "
run_bench 2 -f job.yaml --resume 1
expect_match "resume of a live run" "$(cat err.txt)" "run 1 is still running"

kill -KILL $pid
wait $pid || true
for i in $(seq 50); do
	pgrep -f "$Z 42" >/dev/null || break
	sleep 0.1
done
no_leftovers "$Z 42"
expect_eq "stored status" "$(sql $DB "SELECT status FROM runs WHERE id=1")" running
run_bench 0 runs --db $DB
expect_match "bench runs (dead)" "$(cat out.txt)" "^ +1 .* abandoned "
run_bench 0 report --db $DB 1 --format json
expect_match "report json" "$(cat out.txt)" '"status": *"abandoned"'

# a dead run can be resumed
sed -i "s/42\.{n}/0.1/" job.yaml
run_bench 0 -f job.yaml --resume 1
expect_eq "resumed run" "$(sql $DB "SELECT status FROM runs WHERE id=2")" ok
exit 0
