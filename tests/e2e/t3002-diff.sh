#!/bin/sh
# bench diff finds a changed metric, a missing unit and a status change,
# prints both values, and exits 1; identical runs exit 0.
. "$top_srcdir/tests/helper/lib.sh"
set -e

cp -r "$top_srcdir/examples" .
run_bench 0 -f examples/cellseg.yaml -q
run_bench 0 -f examples/cellseg.yaml -q --parallel -w 2
DB=workspace/bench.db
run_bench 0 diff --db $DB 1 2
expect_match "identical" "$(tail -n 1 out.txt)" "identical$"

# tamper with run 2: one metric, one status
sql $DB "UPDATE metrics SET value = value + 1e-12 WHERE name='dice' AND unit_id = (SELECT min(id) FROM units WHERE run_id=2)"
run_bench 1 diff --db $DB 1 2
expect_match "changed metric" "$(cat out.txt)" "dice +0\.[0-9]+ +0\.[0-9]+"
expect_match "verdict" "$(tail -n 1 out.txt)" "MISMATCH"
sql $DB "UPDATE units SET status='failed' WHERE id = (SELECT max(id) FROM units WHERE run_id=2)"
run_bench 1 diff --db $DB 1 2
expect_match "status" "$(cat out.txt)" "\(status\) +ok +failed"
run_bench 2 diff --db $DB 1 99
expect_match "no such run" "$(cat err.txt)" "99"
run_bench 2 diff --db $DB 1
exit 0
