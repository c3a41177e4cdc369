#!/bin/sh
# The mistakes a new user makes, caught early and explained: a mistyped
# builtin, a sort_by metric nobody reports, a reading command on a database
# that is not there (never created), a run that is not there, a job file
# given without -f, a duration on the command line, and a test case name
# copied from the output into -k.
. "$top_srcdir/tests/helper/lib.sh"
set -e

# --version names the commit when bench was built from a git checkout
if git -C "$top_srcdir" rev-parse --git-dir >/dev/null 2>&1; then
	run_bench 0 --version
	expect_match "version has git describe" "$(cat out.txt)" \
	    "^bench [0-9.]+ \(git [0-9a-f]"
fi

# url: builtin:gemmm is refused at load, with the place and a suggestion
cat >job.yaml <<'JOB'
benchmarkingjob:
  name: typo
  workspace: ./ws
  test_object:
    algorithms:
      - name: a
        algorithm:
          paradigm_type: singletasklearning
          modules:
            - {type: basemodel, url: "builtin:gemmm"}
JOB
run_bench 2 -f job.yaml
expect_match "builtin typo" "$(cat err.txt)" \
    "^job.yaml:10:38: unknown built-in test case 'builtin:gemmm' \(did you mean 'builtin:gemm'\?\)"
[ ! -e ws/bench.db ] || fail "a bad builtin created a database"

# a job file without -f
run_bench 2 job.yaml
expect_match "forgot -f" "$(cat err.txt)" "give it with -f: bench -f job.yaml"

# reading commands never create a database
for cmd in runs "report --format term" "diff 1 2" "nightly -o n.html"; do
	run_bench 2 $cmd --db typo.db
	expect_match "$cmd: missing db named" "$(cat err.txt)" "no database 'typo.db'"
	[ ! -e typo.db ] || fail "bench $cmd created typo.db"
done

# a sort_by metric that no unit reports: a warning naming what was reported
job_begin ranked "  rank:
    sort_by: [{gflop: descend}]"
algo m "[\"sh\", \"-c\", \"printf '{\\\"t\\\":\\\"metric\\\",\\\"name\\\":\\\"gflops\\\",\\\"value\\\":{n}}\\\\n' >&\$BENCH_STATUS_FD\"]" \
"              hyperparameters:
                - n: {values: [1, 2]}"
run_bench 0 -f job.yaml
expect_match "sort_by warning" "$(cat err.txt)" \
    "warning: rank.sort_by metric 'gflop' was reported by no test case.*\(reported: gflops\)"

# a run that is not there is a usage error
run_bench 2 report 99 --db ws/bench.db --format term
expect_match "no run 99" "$(cat err.txt)" "no run 99 in 'ws/bench.db'"
run_bench 2 diff 1 99 --db ws/bench.db
expect_match "diff: no run 99" "$(cat err.txt)" "no run 99"

# --timeout takes what the job file takes
run_bench 0 -f job.yaml --timeout 5m -k 'm[n=1]'
expect_eq "exact -k: one unit" "$(sql ws/bench.db "SELECT count(*) FROM units WHERE run_id = 2")" 1
expect_eq "exact -k: that one" "$(sql ws/bench.db "SELECT testcase FROM units WHERE run_id = 2")" "m[n=1]"
run_bench 2 -f job.yaml --timeout 5x
expect_match "bad duration" "$(cat err.txt)" "--timeout must be a duration"
# globs and substrings still work
run_bench 0 -f job.yaml -k 'm\[n=[2]\]' --dry-run
expect_match "glob" "$(cat out.txt)" "1 test case"
run_bench 0 -f job.yaml -k 'n=2' --dry-run
expect_match "substring" "$(cat out.txt)" "1 test case"
exit 0
