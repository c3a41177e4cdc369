#!/bin/sh
# The terminal or the SSH session closes (SIGHUP), or a batch system sends
# SIGALRM: the run stops as for SIGTERM (units killed as groups, the run
# marked interrupted, exit 130), never leaving units behind. SIGUSR1 and
# SIGUSR2 mean nothing to bench: the run goes on.
. "$top_srcdir/tests/helper/lib.sh"
set -e
ln -s "$(command -v sleep)" "$SCRATCH/zz"
Z="$SCRATCH/zz"
DB=ws/bench.db

# start_bench: bench in the background, back when both slow units run
start_bench() {
	rm -rf ws
	"$BENCH" -f job.yaml --parallel -w 2 >out.txt 2>err.txt &
	pid=$!
	for i in $(seq 300); do
		[ "$(sql $DB "SELECT count(*) FROM units WHERE status='running'" 2>/dev/null)" = 2 ] && break
		sleep 0.1
	done
}

job_begin hangup
algo slow "[\"sh\", \"-c\", \"$Z 42.{n}\"]" "              hyperparameters:
                - n: {values: [1, 2, 3]}"
for sig in HUP ALRM; do
	start_bench
	kill -$sig $pid
	set +e
	wait $pid
	rc=$?
	set -e
	expect_eq "exit after SIG$sig" $rc 130
	expect_eq "run status after SIG$sig" "$(sql $DB 'SELECT status FROM runs')" interrupted
	expect_eq "interrupted units" "$(sql $DB "SELECT count(*) FROM units WHERE status='interrupted'")" 2
	no_leftovers "$Z 42"
	integrity $DB
done

job_begin usr
algo slow "[\"sh\", \"-c\", \"$Z 1.{n}\"]" "              hyperparameters:
                - n: {values: [1, 2]}"
for sig in USR1 USR2; do
	start_bench
	kill -$sig $pid
	set +e
	wait $pid
	rc=$?
	set -e
	expect_eq "exit after SIG$sig" $rc 0
	expect_eq "units ok after SIG$sig" "$(sql $DB "SELECT count(*) FROM units WHERE status='ok'")" 2
done
exit 0
