#!/bin/sh
# Starved of descriptors (a low `ulimit -n`, many workers): a unit that
# cannot get its pipes or its process is not started at all; the pool is
# lowered to the units that run (a line and an event), the unit waits in
# the queue without losing an attempt, and every unit ends ok. When not
# even one unit can start, the run ends with exit 3, status error, and no
# unit left 'running'. bench runs under setsid: were it to signal pid 0
# or -1 again, it could not take this shell with it.
. "$top_srcdir/tests/helper/lib.sh"
set -e
command -v setsid >/dev/null || skip "setsid not installed"
job_begin emfile "  retries: 0"
algo starve '["sh", "-c", "sleep 0.2", "{i}"]' "              hyperparameters:
                - i: {values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]}"

# starve N: bench -w 16 with at most N descriptors; exit code in $got
starve() {
	rm -rf ws
	set +e
	setsid -w sh -c "ulimit -n $1 && exec timeout -k 5 120 \"\$0\" -f job.yaml --parallel -w 16 -q" "$BENCH" \
	    >out.txt 2>err.txt </dev/null
	got=$?
	set -e
	[ "$got" -ne 124 ] && [ "$got" -ne 137 ] || fail "bench hung (ulimit -n $1)"
}

starve 30
[ "$got" -eq 0 ] || { cat err.txt >&2; fail "ulimit -n 30: exit $got, want 0"; }
expect_eq "units ok" "$(sql ws/bench.db "SELECT count(*) FROM units WHERE status='ok' AND attempts=1")" 20
expect_eq "run status" "$(sql ws/bench.db "SELECT status FROM runs")" ok
expect_match "pool event" "$(sql ws/bench.db "SELECT detail FROM events WHERE kind='pool'")" \
    "could not start \(.*Too many open files\): [0-9]+ workers? now"
expect_match "stderr" "$(cat err.txt)" "could not start .*workers? now"
integrity ws/bench.db

# the fewest descriptors bench opens its database with: nothing starts
n=6
while [ $n -le 24 ]; do
	starve $n
	if grep -q "no unit runs" err.txt; then
		break
	fi
	n=$((n + 1))
done
[ $n -le 24 ] || fail "no limit made the first unit fail to start"
expect_eq "exit with nothing started (ulimit -n $n)" "$got" 3
expect_match "stderr" "$(cat err.txt)" "stopped: cannot start u0000, and no unit runs: .*Too many open files"
expect_eq "run status" "$(sql ws/bench.db "SELECT status FROM runs")" error
expect_eq "no unit running" "$(sql ws/bench.db "SELECT count(*) FROM units WHERE status<>'pending'")" 0
exit 0
