#!/bin/sh
# bench report --format md: a Markdown summary for a pull request or a CI
# step summary (the run, its totals, the ranked table with status words,
# failures with their error and log tail), also as --report md=FILE; text
# from units cannot break the table or the code fence.
. "$top_srcdir/tests/helper/lib.sh"
set -e

job_begin mdjob
algo 'good|pipe' '["sh", "-c", "printf '"'"'{\"t\":\"metric\",\"name\":\"score\",\"value\":1.5}\\n'"'"' >&$BENCH_STATUS_FD"]'
algo bad '["sh", "-c", "echo '"'"'```'"'"'; echo '"'"'boom <b>x</b>'"'"'; exit 3"]'
run_bench 1 -f job.yaml -q --report md=run.md
[ -s run.md ] || fail "--report md=FILE wrote nothing"
run_bench 0 report --last --db ws/bench.db --format md
cmp -s out.txt run.md || fail "report --format md differs from --report md=FILE"

expect_match "heading" "$(head -1 run.md)" '^## bench: run 1 of mdjob: .* failed$'
grep -q '^| units | 2 test cases, 2 units: 1 ok, 1 failed, 0 skipped, 0 not run |$' run.md ||
	fail "no totals row"
grep -q '^| rank | test case | status | score | wall | peak RSS MiB |$' run.md ||
	fail "no table header"
grep -q '^| 1 | good\\|pipe | ok | 1.5 | ' run.md || fail "first row (pipe escaped)"
grep -q '^| 2 | bad | failed | - | ' run.md || fail "second row"
grep -q '^### Failures$' run.md || fail "no failures section"
grep -q '<summary><code>bad</code> .*<b>failed</b>: exit status 3</summary>' run.md ||
	fail "no failure with its error"
grep -q '^log: <code>.*/u0001.log</code>$' run.md || fail "no log path"
# the log held a fence and HTML: a longer fence around it, kept verbatim
grep -q '^````text$' run.md || fail "fence not longer than the log's"
grep -q '^boom <b>x</b>$' run.md || fail "no log tail"
[ "$(grep -c '^````$' run.md)" -eq 1 ] || fail "fence not closed once"

# a run with nothing wrong has no failures section
job_begin okjob
algo fine '["true"]'
run_bench 0 -f job.yaml -q
run_bench 0 report --last --db ws/bench.db --format md
grep -q Failures out.txt && fail "failures section on a good run"
grep -q '^| 1 | fine | ok |' out.txt || fail "good run's table"
exit 0
