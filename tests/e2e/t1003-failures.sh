#!/bin/sh
# A failing unit never stops the job: each end is classified, the others
# finish ok, and bench exits 1.
. "$top_srcdir/tests/helper/lib.sh"
set -e

job_begin failures
algo ok1 '["true"]'
algo false '["false"]'
algo exit3 '["sh", "-c", "echo about to fail >&2; exit 3"]'
algo segv '["sh", "-c", "kill -SEGV $$"]'
algo missing '["/nonexistent/program"]'
# braces in an argv would be placeholders ({{ }} escapes them): use a script
cat >skip.sh <<'SH'
#!/bin/sh
echo '{"t":"end","status":"skipped","error":"no gpu"}' >&$BENCH_STATUS_FD
SH
chmod +x skip.sh
algo skipped "[\"$SCRATCH/skip.sh\"]"
algo ok2 '["true"]'
run_bench 1 -f job.yaml --parallel -w 2
DB=ws/bench.db
st() { sql $DB "SELECT status || '|' || coalesce(exit_code,'') || '|' || coalesce(signal,'') FROM units WHERE testcase='$1'"; }
expect_eq ok1 "$(st ok1)" "ok|0|"
expect_eq ok2 "$(st ok2)" "ok|0|"
expect_eq false "$(st false)" "failed|1|"
expect_eq exit3 "$(st exit3)" "failed|3|"
expect_eq segv "$(st segv)" "crashed||11"
expect_eq skipped "$(st skipped)" "skipped|0|"
expect_match missing "$(st missing)" "^failed"
expect_match "missing error" "$(sql $DB "SELECT error FROM units WHERE testcase='missing'")" "/nonexistent/program"
expect_match "skip reason" "$(sql $DB "SELECT error FROM units WHERE testcase='skipped'")" "no gpu"
expect_match "exit3 log" "$(cat "$(sql $DB "SELECT log_path FROM units WHERE testcase='exit3'")")" "about to fail"
expect_eq "run status" "$(sql $DB 'SELECT status FROM runs')" failed
expect_match "summary" "$(cat out.txt)" "2 ok, 3 failed, 1 crashed, 1 skipped"
integrity $DB
exit 0
