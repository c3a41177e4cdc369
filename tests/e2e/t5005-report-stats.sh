#!/bin/sh
# Statistics in the reports: with repeats the terminal summary and the
# JSON report carry n, mean, median, sigma, min, max and the 95% t
# interval per test case and metric (wall_s too), warm-up left out; with
# one unit the terminal says n=1 and the JSON interval is null.
. "$top_srcdir/tests/helper/lib.sh"
set -e

# each unit reports how many units ran before it, plus one: 1, 2, 3, ...
cat >unit.sh <<'SH'
#!/bin/sh
echo x >>"$1"
n=$(wc -l <"$1")
printf '{"t":"metric","name":"score","value":%d}\n' "$n" >&"$BENCH_STATUS_FD"
SH
job_begin st "  repeat: 4
  warmup: 1"
algo count "[sh, $SCRATCH/unit.sh, $SCRATCH/counter]"

# serial: the warm-up scores 1 and is left out; 2 3 4 5 remain:
# mean 3.5, s = sqrt(5/3), t(3) = 3.182: half-width 2.054
run_bench 0 -f job.yaml --serial -q
out=$(cat out.txt)
expect_match "stats block" "$out" "^statistics over the repeats \(warm-up left out"
expect_match "score line" "$out" "^count +score +4 +3\.5 \+- 2\.054 +3\.5 +1\.291 +2 +5$"
expect_match "wall_s line" "$out" "^count +wall_s +4 +[0-9.]+ \+- [0-9.e-]+ "
run_bench 0 report -f job.yaml --last --format json
cp out.txt r.json
j() { sqlite3 -batch -noheader :memory: "SELECT json_extract(readfile('r.json'), '$1')"; }
expect_eq "json n" "$(j '$.stats.count.score.n')" 4
expect_eq "json mean" "$(j '$.stats.count.score.mean')" 3.5
expect_eq "json lo" "$(sqlite3 -batch -noheader :memory: "SELECT printf('%.3f', json_extract(readfile('r.json'), '\$.stats.count.score.lo'))")" 1.446
expect_eq "json hi" "$(sqlite3 -batch -noheader :memory: "SELECT printf('%.3f', json_extract(readfile('r.json'), '\$.stats.count.score.hi'))")" 5.554
expect_eq "json wall_s n" "$(j '$.stats.count.wall_s.n')" 4

# one unit: no statistics block, a null interval in JSON
run_bench 0 -f job.yaml --serial -q --repeat 1 --warmup 0
case "$(cat out.txt)" in *"statistics over"*) fail "a stats block with n=1" ;; esac
run_bench 0 report -f job.yaml --last --format json
cp out.txt r.json
expect_eq "json n=1" "$(j '$.stats.count.score.n')" 1
expect_eq "json n=1 lo" "$(j '$.stats.count.score.lo')" ""
integrity ws/bench.db
exit 0
