#!/bin/sh
# Serial and parallel runs of one job give the same unit set and the same
# metrics, except the ones declared timing-dependent.
. "$top_srcdir/tests/helper/lib.sh"
set -e

cp -r "$top_srcdir/examples" .
run_bench 0 -f examples/quickstart.yaml
run_bench 0 -f examples/quickstart.yaml --parallel -w 2
DB=workspace/bench.db
expect_eq "modes" "$(sql $DB 'SELECT group_concat(mode) FROM (SELECT mode FROM runs ORDER BY id)')" "serial,parallel"
expect_eq "same job hash" "$(sql $DB 'SELECT count(DISTINCT job_sha256) FROM runs')" 1
q="SELECT testcase, part, rep, seed, key FROM units WHERE run_id=%d ORDER BY key"
expect_eq "unit sets" "$(sql $DB "$(printf "$q" 1)")" "$(sql $DB "$(printf "$q" 2)")"
m="SELECT u.key, m.name, m.value FROM metrics m JOIN units u ON u.id=m.unit_id WHERE u.run_id=%d AND m.timing=0 ORDER BY u.key, m.name"
a=$(sql $DB "$(printf "$m" 1)")
b=$(sql $DB "$(printf "$m" 2)")
[ -n "$a" ] || fail "no non-timing metrics"
expect_eq "metrics serial vs parallel" "$a" "$b"
expect_eq "timing metrics are marked" \
	"$(sql $DB "SELECT count(*) FROM metrics WHERE name='gflops' AND timing=1")" 12
integrity $DB
exit 0
