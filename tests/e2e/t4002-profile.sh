#!/bin/sh
# bench profile: the first unit of every test case of the quickstart runs
# alone; a row per test case with its peaks and wall time, the safe worker
# count with its arithmetic, and a stored profile per test case.
. "$top_srcdir/tests/helper/lib.sh"
set -e

cp -r "$top_srcdir/examples" .
DB=workspace/bench.db
run_bench 0 profile -f examples/quickstart.yaml
sed -n '/^profile: /,$p' out.txt >table.txt
expect_match "title" "$(head -n 1 table.txt)" "^profile: examples/quickstart.yaml \(run 1, host .+\)$"
expect_match "header" "$(cat table.txt)" "^testcase +peak_rss_MiB +peak_vram_MiB +wall_s +status$"
rows=$(grep -Ec '^(gemm-blocked|sleep)\[[^ ]*\] +[0-9]+\.[0-9] +(-|[0-9]+\.[0-9]) +[0-9]+\.[0-9]{3} +ok$' table.txt)
expect_eq "a row per test case" "$rows" 8
expect_match "safe workers" "$(cat table.txt)" "^safe workers: [0-9]+ workers? \((cores|RAM|VRAM|units)\): cores-1 = [0-9]+ of [0-9]+ cores?; RAM floor\(0\.8 x [0-9]+ MiB / [0-9]+ MiB\) = [0-9]+.*; units 8"
expect_eq "one run" "$(sql $DB "SELECT count(*) FROM runs")" 1
expect_eq "profiles stored" "$(sql $DB "SELECT count(*) FROM profiles WHERE peak_rss_kb > 0")" 8

# -k narrows the test cases and the units of the arithmetic
run_bench 0 profile -f examples/quickstart.yaml -k sleep
expect_eq "rows with -k" "$(grep -Ec '^sleep\[[^ ]* +[0-9]' out.txt)" 2
expect_match "units with -k" "$(cat out.txt)" "^safe workers: .*; units 2"

run_bench 2 profile
run_bench 2 profile -f examples/quickstart.yaml extra
run_bench 2 profile -f examples/quickstart.yaml -k nomatch
run_bench 2 profile -f nosuch.yaml
integrity $DB
exit 0
