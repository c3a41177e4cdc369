#!/bin/sh
# Labels in bench runs and bench nightly: the terminal table of `bench
# runs` shows each run's labels; `bench nightly --label KEY=VALUE` keeps
# only the runs with every such label, so a run of another branch is
# neither a baseline nor the newest run judged.
. "$top_srcdir/tests/helper/lib.sh"
set -e

cat >unit.sh <<'SH'
#!/bin/sh
printf '{"t":"metric","name":"items_per_s","value":%s,"timing":true}\n' "$(cat "$1")" >&"$BENCH_STATUS_FD"
SH
job_begin nl
algo a "[sh, $SCRATCH/unit.sh, $SCRATCH/value]"
echo 100 >value
for i in 1 2 3; do
	run_bench 0 -f job.yaml --serial -q --label commit=a$i --label branch=main
done
echo 50 >value
run_bench 0 -f job.yaml --serial -q --label branch=topic

run_bench 0 runs -f job.yaml
expect_match "runs header" "$(head -1 out.txt)" " labels$"
expect_match "run 1 labels" "$(grep '^ *1 ' out.txt)" " (branch=main,commit=a1|commit=a1,branch=main)$"
expect_match "run 4 labels" "$(grep '^ *4 ' out.txt)" " branch=topic$"

# all runs: the topic run halves the throughput, a regression
run_bench 1 nightly --db ws/bench.db -o all.html
expect_match "all runs" "$(cat all.html)" "4 finished runs"
# main only: three equal runs, nothing flagged
run_bench 0 nightly --db ws/bench.db --label branch=main -o main.html
expect_match "main runs" "$(cat main.html)" "3 finished runs"
expect_match "main verdict" "$(cat err.txt)" "0 regressions"
run_bench 0 nightly --db ws/bench.db --label branch=main --label commit=a2 -o a2.html
expect_match "two labels" "$(cat a2.html)" "1 job, 1 finished run\."
run_bench 2 nightly --db ws/bench.db --label branch -o bad.html
expect_match "bad label" "$(cat err.txt)" "--label wants KEY=VALUE, got 'branch'"
integrity ws/bench.db
exit 0
