#!/bin/sh
# Crash and resume: bench killed with SIGKILL in the middle of a parallel
# run leaves a consistent database whose finished units are intact;
# --resume runs only the units not finished, and the resumed run's metrics
# equal an uninterrupted run's. An edit to one test case reruns that one.
. "$top_srcdir/tests/helper/lib.sh"
set -e

cat >unit.sh <<'SH'
#!/bin/sh
# unit.sh N: a deterministic metric after a pause
sleep 0.4
printf '{"t":"metric","name":"twice","value":%s}\n' $(($1 * 2)) >&$BENCH_STATUS_FD
SH
chmod +x unit.sh
write_job() {
	cat >job.yaml <<JOB
benchmarkingjob:
  name: resume
  workspace: ./ws
  testenv: {dataset: {}, metrics: [twice]}
  test_object:
    type: algorithms
    algorithms:
      - name: a
        algorithm:
          paradigm_type: singletasklearning
          modules:
            - type: basemodel
              name: a
              command: ["$SCRATCH/unit.sh", "{n}"]
              hyperparameters:
                - n: {values: [1, 2, 3, 4, 5, 6, 7, 8]}
      - name: b
        algorithm:
          paradigm_type: singletasklearning
          modules:
            - type: basemodel
              name: b
              command: ["$SCRATCH/unit.sh", "{m}"]
              hyperparameters:
                - m: {values: [$1]}
JOB
}
write_job 100
DB=ws/bench.db
"$BENCH" -f job.yaml --parallel -w 2 >out1.txt 2>err1.txt &
pid=$!
for i in $(seq 100); do
	n=$(sql $DB "SELECT count(*) FROM units WHERE run_id=1 AND status='ok'" 2>/dev/null || echo 0)
	[ "${n:-0}" -ge 3 ] && break
	sleep 0.1
done
kill -KILL $pid
wait $pid 2>/dev/null || true
sleep 0.6	# the orphaned units finish on their own
integrity $DB
done1=$(sql $DB "SELECT count(*) FROM units WHERE run_id=1 AND status='ok'")
[ "$done1" -ge 3 ] && [ "$done1" -lt 9 ] || fail "$done1 units finished before the kill"
expect_eq "finished units have their metric" \
	"$(sql $DB "SELECT count(*) FROM units u JOIN metrics m ON m.unit_id=u.id WHERE u.run_id=1 AND u.status='ok' AND m.name='twice'")" "$done1"
expect_eq "run left running" "$(sql $DB "SELECT status FROM runs WHERE id=1")" running

run_bench 0 -f job.yaml --parallel -w 2 --resume 1
expect_match "resume line" "$(cat err.txt)" "resuming run 1: $done1 units kept as they ended, $((9 - done1)) to run"
expect_eq "run 2 complete" "$(sql $DB "SELECT count(*) FROM units WHERE run_id=2 AND status='ok'")" 9
expect_eq "kept, not rerun" "$(sql $DB "SELECT count(*) FROM units a JOIN units b ON a.key=b.key WHERE a.run_id=1 AND b.run_id=2 AND a.status='ok' AND a.started_at=b.started_at")" "$done1"

# an uninterrupted run gives the same answers
run_bench 0 -f job.yaml --parallel -w 2
run_bench 0 diff --db $DB 2 3
expect_match "resumed == uninterrupted" "$(tail -n 1 out.txt)" "identical$"

# edit one test case: only its unit runs again
write_job 200
run_bench 0 -f job.yaml --resume 3
expect_match "only the edited one" "$(cat err.txt)" "8 units kept as they ended, 1 to run"
expect_eq "edited result" "$(sql $DB "SELECT m.value FROM metrics m JOIN units u ON u.id=m.unit_id WHERE u.run_id=4 AND u.testcase='b'")" 400.0

# a run of another job is refused
sed -i 's/name: resume/name: other/' job.yaml
run_bench 2 -f job.yaml --resume 3
expect_match "other job" "$(cat err.txt)" "run 3 is a run of job 'resume', not 'other'"
integrity $DB
exit 0
