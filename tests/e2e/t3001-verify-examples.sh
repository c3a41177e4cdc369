#!/bin/sh
# Every example job runs with --parallel -w 2 and passes bench verify:
# serial and parallel runs give bit-identical metrics, unit by unit and
# merged per test case.
. "$top_srcdir/tests/helper/lib.sh"
set -e

cp -r "$top_srcdir/examples" .
for j in quickstart cellseg jointinference incremental lifelong federated; do
	run_bench 0 verify -f examples/$j.yaml -w 2
	expect_match "verify $j" "$(tail -n 1 out.txt)" "identical$"
	expect_match "verify $j compared" "$(tail -n 1 out.txt)" " [1-9][0-9]* values compared"
done
DB=workspace/bench.db
expect_eq "two runs per job" "$(sql $DB "SELECT count(*) FROM runs")" 12
expect_eq "modes" "$(sql $DB "SELECT group_concat(mode) FROM (SELECT mode FROM runs WHERE job_name='federated' ORDER BY id)")" "serial,parallel"
integrity $DB
exit 0
