#!/bin/sh
# bench SIGKILLed while its units have children of their own: the units
# die with bench (PR_SET_PDEATHSIG) and so do their children (the guard,
# see harness/guard.h): nothing a unit started runs on under PID 1.
. "$top_srcdir/tests/helper/lib.sh"
set -e
ln -s "$(command -v sleep)" "$SCRATCH/zz"
Z="$SCRATCH/zz"
DB=ws/bench.db
job_begin killed
# the unit is a shell whose child sleeps: SIGKILL of bench reaches the
# shell by PR_SET_PDEATHSIG, the sleep only through its process group
algo nest "[\"sh\", \"-c\", \"'$Z' 43.{n} & wait\"]" "              hyperparameters:
                - n: {values: [1, 2]}"

"$BENCH" -f job.yaml --parallel -w 2 >out.txt 2>err.txt &
pid=$!
for i in $(seq 300); do
	[ "$(pgrep -fc "$Z 43" 2>/dev/null)" = 2 ] && break
	sleep 0.1
done
[ "$i" -lt 300 ] || fail "the units' children never ran"
guard=$(pgrep -f -P $pid "worker --guard" || :)

kill -KILL $pid
wait $pid || true
for i in $(seq 50); do
	pgrep -f "$Z 43" >/dev/null || break
	sleep 0.1
done
no_leftovers "$Z 43"
[ -n "$guard" ] || fail "no guard process under bench $pid"
# the guard itself is gone once it has done its work
for i in $(seq 50); do
	kill -0 "$guard" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$guard" 2>/dev/null && fail "the guard $guard outlived its work"
exit 0
