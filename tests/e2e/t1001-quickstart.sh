#!/bin/sh
# The quickstart job in parallel: every unit ok and in the database with
# its metrics, the machine fingerprint, logs, WAL and the schema version.
. "$top_srcdir/tests/helper/lib.sh"
set -e

cp -r "$top_srcdir/examples" .
run_bench 0 -f examples/quickstart.yaml --parallel -w 2
DB=workspace/bench.db
[ -f "$DB" ] || fail "no database at $DB"
expect_match "worker line" "$(cat err.txt)" "2 workers \(parallel: -w 2\)"
expect_match "summary" "$(cat out.txt)" "^rank +test case +gflops"
expect_eq "runs" "$(sql $DB 'SELECT count(*), mode, workers, status FROM runs')" "1|parallel|2|ok"
expect_eq "units ok" "$(sql $DB "SELECT count(*) FROM units WHERE status='ok'")" \
	"$(sql $DB 'SELECT count(*) FROM units')"
expect_eq "units" "$(sql $DB 'SELECT count(*) FROM units')" 8
expect_eq "gflops per gemm unit" \
	"$(sql $DB "SELECT count(*) FROM metrics WHERE name='gflops' AND value > 0")" 6
expect_eq "testcase metrics" \
	"$(sql $DB "SELECT count(DISTINCT testcase) FROM testcase_metrics WHERE name='checksum'")" 6
expect_eq "user_version" "$(sql $DB 'PRAGMA user_version')" 5
expect_eq "host of every unit" \
	"$(sql $DB "SELECT count(*) FROM units WHERE host = '$(hostname)'")" 8
expect_eq "journal" "$(sql $DB 'PRAGMA journal_mode')" wal
fp=$(sql $DB 'SELECT fingerprint FROM runs')
expect_match "fingerprint" "$fp" '"cpu_model"'
expect_match "fingerprint cores" "$fp" '"cores":[1-9]'
expect_match "fingerprint id" "$(sql $DB 'SELECT fingerprint_id FROM runs')" '^[0-9a-f]{64}$'
expect_eq "seconds recorded" "$(sql $DB 'SELECT count(*) FROM units WHERE wall_s > 0 AND finished_at >= started_at')" 8
expect_eq "maxrss recorded" "$(sql $DB 'SELECT count(*) FROM units WHERE maxrss_kb > 0')" 8
# a unit that started and ended between two commits has its start written
# with its end
expect_eq "start recorded" "$(sql $DB 'SELECT count(*) FROM units WHERE attempts = 1 AND worker_slot >= 0 AND pid > 0')" 8
# a built-in worker notes what it runs in its log; a silent command has none
for log in $(sql $DB "SELECT log_path FROM units WHERE algorithm='gemm-blocked'"); do
	[ -f "$log" ] || fail "missing log $log"
	expect_match "log of $log" "$(cat "$log")" "seed"
done
expect_eq "db mode" "$(stat -c %a $DB)" 600
integrity $DB

# the ranked table: gflops descending
first=$(awk '/^1 /{print $2}' out.txt)
best=$(sql $DB "SELECT testcase FROM testcase_metrics WHERE name='gflops' ORDER BY value DESC LIMIT 1")
expect_eq "rank 1 is the best gflops" "$first" "$best"

run_bench 0 runs --db $DB
expect_match "runs" "$(sed -n 2p out.txt)" "quickstart +parallel +2 +ok +8 +8 +0"
exit 0
