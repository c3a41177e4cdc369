#!/bin/sh
# Placeholders: only identifier-shaped braces are filled, so a shell
# one-liner can print a JSON status record; {{NAME}} is a literal {NAME};
# a value reaches argv exactly as written in the YAML (issue 13 item 11);
# a typo in a placeholder is refused at load with FILE:LINE:COL and a
# suggestion.
. "$top_srcdir/tests/helper/lib.sh"
set -e

job_begin braces
algo json "[\"sh\", \"-c\", \"printf '{\\\"t\\\":\\\"metric\\\",\\\"name\\\":\\\"v\\\",\\\"value\\\":{v}}\\\\n' >&\$BENCH_STATUS_FD; printf '%s|' \\\"\$@\\\" >\\\"\$0\\\"\", \"$SCRATCH/argv-{v}\", \"{v}\", \"{{v}}\", \"{}\", \"{\\\"a\\\":{\\\"b\\\":{v}}}\"]" \
"              hyperparameters:
                - v: {values: [99999999999999999999999999999, -0, 1e2, 0.50]}"
run_bench 0 -f job.yaml
DB=ws/bench.db
expect_eq "all ok" "$(sql $DB "SELECT group_concat(status) FROM units")" "ok,ok,ok,ok"
# (the record parser refuses an integer past 64 bits: no metric for the first)
expect_eq "metrics from the JSON one-liner" \
    "$(sql $DB "SELECT group_concat(value, ' ') FROM (SELECT m.value FROM metrics m JOIN units u ON u.id = m.unit_id ORDER BY u.id)")" \
    "0.0 100.0 0.5"
for v in 99999999999999999999999999999 -0 1e2 0.50; do
	[ -f "argv-$v" ] || fail "no argv-$v: the value was rewritten ($(ls))"
	expect_eq "argv of v=$v" "$(cat "argv-$v")" "$v|{v}|{}|{\"a\":{\"b\":$v}}|"
done
# params stay typed JSON
expect_eq "params typed" "$(sql $DB "SELECT params FROM units ORDER BY id LIMIT 1 OFFSET 2")" '{"v":100.0}'

# a typo is still caught, with the place and a suggestion
job_begin typo
algo t '[echo, "--size={batch_sise}"]' "              hyperparameters:
                - batch_size: {values: [1]}"
run_bench 2 -f job.yaml --dry-run
expect_match "typo refused" "$(cat err.txt)" \
    "job.yaml:[0-9]+:[0-9]+: unknown placeholder '\{batch_sise\}'.*did you mean 'batch_size'"
exit 0
