#!/bin/sh
# bench scale: one run per concurrency level in the database, a table with
# every level, the memory/latency recommendation and the saturation point;
# a bad -w list is a usage error.
. "$top_srcdir/tests/helper/lib.sh"
set -e

cat >job.yaml <<'JOB'
benchmarkingjob:
  name: scalegemm
  workspace: ./ws
  testenv:
    dataset: {}
    metrics: [{name: gflops}]
  test_object:
    type: algorithms
    algorithms:
      - name: gemm
        algorithm:
          paradigm_type: singletasklearning
          modules:
            - type: basemodel
              name: gemm
              url: builtin:gemm
              hyperparameters:
                - n:
                    values: [64, 96, 128, 160]
JOB
DB=ws/bench.db

run_bench 0 scale -f job.yaml -w 1,2 --max-runs 1
expect_eq "one run per level" "$(sql $DB "SELECT count(*) FROM runs")" 2
expect_eq "levels" "$(sql $DB "SELECT group_concat(workers) FROM (SELECT workers FROM runs ORDER BY id)")" "1,2"
expect_eq "runs ok" "$(sql $DB "SELECT group_concat(status) FROM (SELECT status FROM runs ORDER BY id)")" "ok,ok"
expect_eq "parallel mode" "$(sql $DB "SELECT count(*) FROM runs WHERE mode='parallel'")" 2
expect_eq "units ok" "$(sql $DB "SELECT count(*) FROM units WHERE status='ok'")" 8
out=$(cat out.txt)
expect_match "header" "$out" "^workers +runs +units +units/s +\\+-% +gflops +p50_s +p90_s +p95_s +p99_s +loss%"
expect_match "level 1 row" "$out" "^ +1 +1 +4 +[0-9.]+ +n=1 +[0-9.]+ .* \+0\.0 .* 1\.00$"
expect_match "level 2 row" "$out" "^ +2 +1 +4 +[0-9.]+ +n=1 +[0-9.]+ "
expect_match "memory line" "$out" "^memory budget: up to 2 workers \(workers x peak RSS <= 0\.8 x [0-9]+ MiB available"
expect_match "latency line" "$out" "^latency bound: (up to [12] workers?|no level) \(p95 <= 2 x "
expect_match "recommendation" "$out" "^recommended: 1 worker \(no higher level is clearly better: "
expect_match "saturation" "$out" "^saturation: (1 worker \(throughput 1 -> 2 workers: |not reached up to 2 workers)"
expect_match "run ids" "$out" "^scale: job.yaml, levels 1,2 \(runs 1; 2\)$"

# --max-latency-x and --metric are taken; an unknown metric shows "-"
run_bench 0 scale -f job.yaml -w 2 --max-latency-x 3 --metric nosuch -k 'n=64' \
	--max-runs 1
expect_match "unknown metric column" "$(cat out.txt)" "^ +2 +1 +1 +[0-9.]+ +n=1 +- "
expect_match "capped level" "$(cat out.txt)" "\(ran 1: capped at the units\)"

# a unit that fails at a level: exit 1, the table is still printed
sed 's/values: \[64, 96, 128, 160\]/values: [64]/' job.yaml >fail.yaml
cat >>fail.yaml <<'JOB'
      - name: bad
        algorithm:
          paradigm_type: singletasklearning
          modules:
            - type: basemodel
              name: bad
              command: ["false"]
JOB
run_bench 1 scale -f fail.yaml -w 1,2 --db fail.db --max-runs 2
expect_match "failed level" "$(cat out.txt)" "^ +2 +1 +2 .*FAILED$"
expect_match "saturation after failure" "$(cat out.txt)" "^saturation: "

# usage errors: no run is made
for w in 0 1,x 2,2 ,1 1, -1 abc 5000; do
	run_bench 2 scale -f job.yaml -w "$w"
	expect_match "bad -w $w" "$(cat err.txt)" "^bench scale: -w must be"
done
run_bench 2 scale -f job.yaml
run_bench 2 scale -w 1,2
run_bench 2 scale -f job.yaml -w 1 --max-latency-x 0.5
run_bench 2 scale -f job.yaml -w 1 --budget -1
run_bench 2 scale -f job.yaml -w 1 --max-runs 0
run_bench 2 scale -f job.yaml -w 1 --format xml
run_bench 2 scale -f job.yaml -w 1 --report pdf=x
run_bench 2 scale -f job.yaml -w 1 -k nomatch
expect_eq "no extra runs" "$(sql $DB "SELECT count(*) FROM runs")" 3
integrity $DB
exit 0
