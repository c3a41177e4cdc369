#!/bin/sh
# Scripting: bench runs, diff and profile take --format json (one JSON
# document on stdout, parsed here with jq), and the units of the JSON
# report carry their params and key.
. "$top_srcdir/tests/helper/lib.sh"
set -e
command -v jq >/dev/null || skip "jq not installed"

cp -r "$top_srcdir/examples" .
run_bench 0 -f examples/cellseg.yaml -q --label ci=yes
run_bench 0 -f examples/cellseg.yaml -q --parallel -w 2
DB=workspace/bench.db

# runs: an array of runs
run_bench 0 runs --db $DB --format json
expect_eq "runs: count" "$(jq length out.txt)" 2
expect_eq "runs: first" "$(jq -r '.[0] | "\(.id) \(.job) \(.status) \(.mode) \(.workers)"' out.txt)" \
	"1 cellseg ok serial 1"
expect_eq "runs: second mode" "$(jq -r '.[1] | "\(.mode) \(.workers)"' out.txt)" "parallel 2"
expect_eq "runs: times" "$(jq '[.[] | (.started_at | type), (.finished_at | type)] | unique' -c out.txt)" '["number"]'
expect_eq "runs: labels" "$(jq -r '.[0].labels.ci' out.txt)" yes
expect_eq "runs: no labels" "$(jq -r '.[1] | has("labels")' out.txt)" false
run_bench 2 runs --db $DB --format yaml
expect_match "runs: bad format" "$(cat err.txt)" "yaml"

# diff: the verdict and the mismatches
run_bench 0 diff --db $DB --format json 1 2
expect_eq "diff: identical" "$(jq -r '"\(.verdict) \(.matched) \(.mismatches | length)"' out.txt)" "identical 4 0"
sql $DB "UPDATE metrics SET value = value + 0.5 WHERE name='dice' AND unit_id = (SELECT min(id) FROM units WHERE run_id=2)"
sql $DB "UPDATE units SET status='failed' WHERE id = (SELECT max(id) FROM units WHERE run_id=2)"
run_bench 1 diff --db $DB --format json 1 2
expect_eq "diff: verdict" "$(jq -r .verdict out.txt)" mismatch
expect_eq "diff: metric row" "$(jq -c '[.mismatches[] | select(.metric == "dice") | (.b - .a)]' out.txt)" "[0.5]"
expect_eq "diff: status row" "$(jq -c '[.mismatches[] | select(.metric == "(status)") | [.a, .b]]' out.txt)" '[["ok","failed"]]'

# profile: the rows and the safe worker count; the run's lines on stderr
run_bench 0 profile -f examples/cellseg.yaml --format json
expect_eq "profile: rows" "$(jq '.testcases | length' out.txt)" 4
expect_eq "profile: statuses" "$(jq -c '[.testcases[].status] | unique' out.txt)" '["ok"]'
expect_eq "profile: rss known" "$(jq '[.testcases[].peak_rss_kb | select(. > 0)] | length' out.txt)" 4
expect_match "profile: safe" "$(jq -r '"\(.safe.workers) \(.safe.limit)"' out.txt)" '^[1-9][0-9]* [a-z]+$'

# report json: units carry params and key
run_bench 0 report 1 --db $DB --format json
expect_eq "report: unit params" "$(jq -c '.units[0].params | keys' out.txt)" \
	'["blur_sigma","images","noise","threshold"]'
expect_eq "report: unit key" "$(jq -r '.units[0].key' out.txt)" \
	"$(sql $DB 'SELECT key FROM units WHERE run_id=1 ORDER BY id LIMIT 1')"
exit 0
