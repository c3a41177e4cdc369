#!/bin/sh
# Usage errors, --help and --version, and job-file errors: exit 2 with
# FILE:LINE:COL, and nothing runs.
. "$top_srcdir/tests/helper/lib.sh"
set -e

run_bench 0 --help
expect_match "help" "$(cat out.txt)" "usage: bench"
run_bench 0 --version
expect_match "version" "$(cat out.txt)" "^bench [0-9]"
run_bench 2 nosuchcommand
expect_match "unknown command" "$(cat err.txt)" "unknown command 'nosuchcommand'"
run_bench 2 run
expect_match "no job" "$(cat err.txt)" "no job file"
run_bench 2 -f missing.yaml
expect_match "missing file" "$(cat err.txt)" "missing.yaml"
run_bench 2 -f job.yaml -w zero
expect_match "bad -w" "$(cat err.txt)" "-w must be"
run_bench 0 run --help
expect_match "run help" "$(cat out.txt)" "--parallel"

# a typo in a key: position and a suggestion, and no database written
job_begin typo "  num_worker: 2"
algo ok '["true"]'
run_bench 2 -f job.yaml
expect_match "typo" "$(cat err.txt)" "^job.yaml:4:3: .*num_worker.*did you mean 'num_workers'"
[ ! -e ws/bench.db ] || fail "a bad job file created a database"

# list expands without running
job_begin listing
algo grid '["echo", "{a}", "{b}"]' "              hyperparameters:
                - a: {values: [1, 2]}
                - b: {values: [x, y, z]}"
run_bench 0 list -f job.yaml
expect_match "list" "$(head -1 out.txt)" "6 test cases, 6 units"
expect_match "list order" "$(sed -n 2p out.txt)" "grid\[a=1,b=x\]"
run_bench 0 -f job.yaml --dry-run
expect_match "dry run" "$(cat out.txt)" "u0005"
[ ! -e ws/bench.db ] || fail "--dry-run created a database"

# --launcher: local or slurm; Slurm options only with slurm
run_bench 2 -f job.yaml --launcher pbs
expect_match "bad launcher" "$(cat err.txt)" "unknown launcher 'pbs'"
run_bench 2 -f job.yaml --slurm-args "--qos=low"
expect_match "slurm args alone" "$(cat err.txt)" "need --launcher slurm"
run_bench 0 -f job.yaml --launcher local --dry-run
[ ! -e ws/bench.db ] || fail "a usage error created a database"
exit 0
