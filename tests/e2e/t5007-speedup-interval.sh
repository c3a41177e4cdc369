#!/bin/sh
# The HTML report's speedup with its interval: when the serial or the
# parallel run had repeats, the total speedup and the parallel efficiency
# carry a 95% interval (each run's relative t interval of its units' mean
# wall time, weighted by test case, combined as for a ratio), and the
# per-test-case bars have whiskers; a test case run as one unit has no
# bar (one unit's speedup is noise) and a note says so.
. "$top_srcdir/tests/helper/lib.sh"
set -e
command -v xmllint >/dev/null || skip "xmllint not installed"

# repeats: two test cases, three units each; the timings are then set to
# known values: every unit 1.9, 2.0 or 2.1 s (t(2) = 4.303: relative
# half-width 4.303 x 0.1 / sqrt(3) / 2 = 0.124215 per test case, / sqrt 2
# per run, x sqrt 2 for the ratio), the serial run 12 s, the parallel 6 s
job_begin rep "  repeat: 3"
algo a "[true]" "              hyperparameters:
                - k: {values: [1, 2]}"
run_bench 0 -f job.yaml --serial -q
run_bench 0 -f job.yaml --parallel -w 2 -q
for run in 1 2; do
	sql ws/bench.db "UPDATE units SET wall_s = 1.9 + 0.1 * rep WHERE run_id = $run"
	sql ws/bench.db "UPDATE runs SET finished_at = started_at + 12 / $run WHERE id = $run"
done
expect_eq "reps" "$(sql ws/bench.db "SELECT group_concat(DISTINCT wall_s) FROM units")" "1.9,2.0,2.1"
run_bench 0 report -f job.yaml --last --format html -o rep.html
xmllint --noout rep.html || fail "rep.html is not well-formed"
sec=$(sed -n '/id="speedup"/,/id="utilization"/p' rep.html)
expect_match "total speedup" "$sec" \
	'id="total-speedup">2\.00&#215;</b> <span class="ci">\(95% interval 1\.75&#8211;2\.25&#215;\)</span>'
expect_match "efficiency" "$sec" \
	'efficiency <b>100%</b> <span class="ci">\(95% interval 88&#8211;112%\)</span>'
n=$(printf '%s\n' "$sec" | grep -o '<line class="ci"' | wc -l)
expect_eq "whiskers (2 test cases + total)" "$n" 3
case "$sec" in *'id="single-unit"'*) fail "single-unit note with repeats" ;; esac

# no repeats: no interval, no per-test-case bars, a note for each
job_begin one
algo a "[true]" "              hyperparameters:
                - k: {values: [1, 2]}"
run_bench 0 -f job.yaml --serial -q
run_bench 0 -f job.yaml --parallel -w 2 -q
run_bench 0 report -f job.yaml --last --format html -o one.html
xmllint --noout one.html || fail "one.html is not well-formed"
sec=$(sed -n '/id="speedup"/,/id="utilization"/p' one.html)
expect_match "no-interval note" "$sec" "Neither run had repeats: no interval"
expect_match "single-unit note" "$sec" \
	'id="single-unit">2 test cases with a single unit not drawn'
case "$sec" in *'class="ci"'*) fail "an interval without repeats" ;; esac
case "$sec" in *'>a-'*|*'k=1'*) fail "a single-unit test case has a bar" ;; esac
expect_match "total bar" "$sec" "TOTAL \(run wall time\)"
integrity ws/bench.db

# a warm-up and one measured unit: still a single unit, no bar
job_begin warm "  warmup: 1"
algo a "[true]" "              hyperparameters:
                - k: {values: [1, 2]}"
run_bench 0 -f job.yaml --serial -q
run_bench 0 -f job.yaml --parallel -w 1 -q
expect_eq "warm-ups stored" "$(sql ws/bench.db "SELECT count(*) FROM units WHERE run_id = (SELECT max(id) FROM runs) AND warmup = 1")" 2
run_bench 0 report -f job.yaml --last --format html -o warm.html
sec=$(sed -n '/id="speedup"/,/id="utilization"/p' warm.html)
expect_match "single-unit note (warm-up)" "$sec" \
	'id="single-unit">2 test cases with a single unit not drawn'
case "$sec" in *'k=1'*) fail "a test case of one measured unit has a bar" ;; esac
expect_match "one worker, singular" "$sec" "parallel run [0-9]+ with 1 worker took"
exit 0
