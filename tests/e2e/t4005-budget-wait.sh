#!/bin/sh
# While another bench process holds the shared host budget, units wait
# (an event says so) and start once it is released; waiting never uses up
# the worker slots (a unit sent back to the queue frees its slot).
. "$top_srcdir/tests/helper/lib.sh"
set -e

BENCH_BUDGET_FILE=$(pwd)/budget.json
export BENCH_BUDGET_FILE
# a live process that "reserved" more RAM than the machine has, for 3 s
sleep 3 &
holder=$!
start=$(awk '{sub(/.*\) /, ""); print $20}' /proc/$holder/stat)
cat >"$BENCH_BUDGET_FILE" <<JSON
{"version": 1, "next_id": 2, "reservations": [{"id": 1, "pid": $holder,
 "start": $start, "ram_mb": 100000000, "cpus": 0, "gpus": [], "vram_mb": []}]}
JSON
cat >job.yaml <<JOB
benchmarkingjob:
  name: budgetwait
  workspace: ./ws
  resources: {ram: 100M}
  testenv: {dataset: {}, metrics: []}
  test_object:
    type: algorithms
    algorithms:
      - name: t
        algorithm:
          paradigm_type: singletasklearning
          modules:
            - type: basemodel
              name: t
              command: ["true", "{i}"]
              hyperparameters:
                - i: {values: [1, 2, 3, 4]}
JOB
run_bench 0 -f job.yaml --parallel -w 2
wait $holder || true
DB=ws/bench.db
expect_eq "every unit ok" "$(sql $DB "SELECT count(*) FROM units WHERE status='ok'")" 4
expect_match "the wait is an event" \
	"$(sql $DB "SELECT detail FROM events WHERE kind='budget'")" \
	"waits: .*other bench processes hold the host budget"
exit 0
