#!/bin/sh
# Command test cases: {param} placeholders, metrics written to
# $BENCH_STATUS_FD, the BENCH_* environment, and bad records that are
# reported without failing the unit.
. "$top_srcdir/tests/helper/lib.sh"
set -e

cat >report.sh <<'SH'
#!/bin/sh
# report.sh SIZE NAME: report metrics the way a user's script would
printf '{"t":"metric","name":"size","value":%s}\n' "$1" >&$BENCH_STATUS_FD
printf '{"t":"metric","name":"part","value":%s}\n' "$BENCH_PART" >&$BENCH_STATUS_FD
printf '%s' "$BENCH_SEED" >"$(dirname "$0")/seed-$BENCH_UNIT"
printf '{"t":"metric","name":"elapsed","value":0.5,"timing":true}\n' >&$BENCH_STATUS_FD
[ "$2" = "noisy" ] && printf 'this is not json\n{"t":"metric"}\n' >&$BENCH_STATUS_FD
echo "unit $BENCH_UNIT of $BENCH_TESTCASE"
exit 0
SH
chmod +x report.sh
job_begin records
algo rep "[\"$SCRATCH/report.sh\", \"{size}\", \"{mode}\"]" "              hyperparameters:
                - size: {values: [8, 16]}
                - mode: {values: [quiet, noisy]}"
run_bench 0 -f job.yaml
DB=ws/bench.db
expect_eq "sizes" "$(sql $DB "SELECT group_concat(value) FROM (SELECT m.value FROM metrics m JOIN units u ON u.id=m.unit_id WHERE m.name='size' ORDER BY u.id)")" "8.0,8.0,16.0,16.0"
expect_eq "timing flag" "$(sql $DB "SELECT DISTINCT timing FROM metrics WHERE name='elapsed'")" 1
expect_eq "noisy units ok" "$(sql $DB "SELECT count(*) FROM units WHERE testcase LIKE '%noisy%' AND status='ok'")" 2
expect_match "bad records noted" "$(sql $DB "SELECT error FROM units WHERE testcase='rep[size=8,mode=noisy]'")" "2 bad status records ignored"
expect_eq "quiet units clean" "$(sql $DB "SELECT count(*) FROM units WHERE testcase LIKE '%quiet%' AND error IS NULL")" 2
log=$(sql $DB "SELECT log_path FROM units WHERE testcase='rep[size=16,mode=quiet]'")
expect_match "log has stdout" "$(cat "$log")" "^unit u0002 of rep\[size=16,mode=quiet\]"
# the seed a unit sees is the one the plan gives it
run_bench 0 list -u -f job.yaml
expect_eq "seed passed" "$(cat seed-u0000)" "$(awk '/u0000/{print $7}' out.txt)"
exit 0
