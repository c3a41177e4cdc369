#!/bin/sh
# The machine's state (runs.machine_state) is taken beside the run, over
# its first tenth of a second: a unit that burns a CPU in that window is
# bench's own, not "another busy process", and is never listed as busy;
# the state is in the run's row once the run ended.
. "$top_srcdir/tests/helper/lib.sh"
set -e

# a busy loop of this test's own name, 0.4 s or so of CPU
cat >spin.sh <<'SH'
#!/bin/sh
i=0
while [ $i -lt 200000 ]; do i=$((i + 1)); done
SH
chmod +x spin.sh
cat >job.yaml <<JOB
benchmarkingjob:
  name: quietjob
  workspace: ./ws
  repeat: 2
  testenv: {dataset: {}, metrics: []}
  test_object:
    type: algorithms
    algorithms:
      - name: spin
        algorithm:
          paradigm_type: singletasklearning
          modules:
            - {type: basemodel, name: spin, command: ["$SCRATCH/spin.sh"]}
JOB
"$BENCH" -f job.yaml --parallel -w 2 -q >out.txt 2>err.txt ||
	fail "run: exit $? ($(cat err.txt))"
DB=ws/bench.db
ms=$(sql $DB "SELECT machine_state FROM runs")
expect_match "machine state" "$ms" '"busy_processes":[0-9]+'
expect_match "cores" "$ms" '"cores":[1-9]'
# the units ran for longer than the window, each over 10% of a CPU
expect_eq "units ok" "$(sql $DB "SELECT count(*) FROM units WHERE status = 'ok' AND wall_s > 0.15")" 2
for pid in $(sql $DB "SELECT pid FROM units"); do
	case $ms in
	*"\"pid\":$pid,"*) fail "unit $pid listed as another busy process: $ms" ;;
	esac
done
case $(cat err.txt) in
*"not quiet"*spin.sh*) fail "a unit called another busy process: $(cat err.txt)" ;;
esac
