#!/bin/sh
# bench report in every format on a database filled by the quickstart,
# serial then parallel: the term table, JSON, Ianvs CSV files, JUnit XML,
# and the HTML page (well-formed XML, parsed by xmllint --html, with its
# speedup, utilization and memory charts).
. "$top_srcdir/tests/helper/lib.sh"
set -e
command -v xmllint >/dev/null || skip "xmllint not installed"

# xmllint --html knows HTML 4 only: tolerate its complaints about SVG and
# HTML 5 element names, nothing else.
html_check() {
	xmllint --noout "$1" || fail "$1 is not well-formed"
	xmllint --html --noout "$1" 2>lint.txt || true
	if grep 'error' lint.txt | grep -Ev 'Tag (svg|line|text|rect|circle|polyline|title|details|summary) invalid' | grep -q .; then
		cat lint.txt >&2
		fail "$1: xmllint --html errors"
	fi
}

cp -r "$top_srcdir/examples" .
# --sample 0: no time series, to check the page says so (samples are
# added by hand below)
run_bench 0 -f examples/quickstart.yaml -q --sample 0
run_bench 0 -f examples/quickstart.yaml -q --parallel -w 2 --sample 0 \
	--report html=run.html --report junit=run.xml
DB=workspace/bench.db
expect_eq "rank stored" "$(sql $DB "SELECT json_extract(rank, '\$.sort_by[0].gflops') FROM runs WHERE id=2")" descend
expect_eq "schema" "$(sql $DB 'PRAGMA user_version')" 5
# the modules once per algorithm, not per test case (schema 5)
expect_eq "rank: no modules per test case" "$(sql $DB "SELECT json_type(rank, '\$.testcases') IS NULL FROM runs WHERE id=2")" 1
expect_eq "rank: modules per algorithm" "$(sql $DB "SELECT json_extract(rank, '\$.algorithms.\"gemm-blocked\"[0].hyperparameters.n') FROM runs WHERE id=2")" n

# term: the ranked table and totals
run_bench 0 report --last --db $DB --format term
grep -q '^rank  test case' out.txt || fail "term: no table"
grep -q '^total: 8 test cases, 8 units: 8 ok' out.txt || fail "term: no totals"
run_bench 0 report 1 -f examples/quickstart.yaml --format term
grep -q 'serial' out.txt || fail "term: run 1 by id"

# json
run_bench 0 report --last --format json -o run.json --db $DB
grep -q '"job_name": "quickstart"' run.json || fail "json: no run"
[ "$(grep -c '"worker_slot"' run.json)" -eq 8 ] || fail "json: not 8 units"
grep -q '"peaks"' run.json || fail "json: no peaks"
grep -q '"gflops"' run.json || fail "json: no metrics"
if command -v python3 >/dev/null; then
	python3 -c 'import json,sys; d=json.load(open("run.json")); assert len(d["testcases"]) == 8' || fail "json: parse"
fi

# csv: Ianvs leaderboard in WORKSPACE/rank, all_rank appended to
run_bench 0 report 1 --db $DB --format csv
run_bench 0 report 2 --db $DB --format csv
R=workspace/quickstart/rank
expect_eq "csv header" "$(head -1 $R/all_rank.csv | tr -d '\r')" \
	"rank,algorithm,gflops,checksum,paradigm,basemodel,basemodel-n,basemodel-block,basemodel-seconds,time,url"
expect_eq "all_rank rows (2 runs)" "$(($(wc -l <$R/all_rank.csv) - 1))" 16
expect_eq "selected_rank rows" "$(($(wc -l <$R/selected_rank.csv) - 1))" 8
expect_match "ranked by gflops" "$(sed -n 2p $R/selected_rank.csv)" '^1,gemm-blocked,'
expect_match "unranked last" "$(tail -1 $R/selected_rank.csv)" '^8,sleep,'
run_bench 0 report --last --db $DB --format csv -o outdir
[ -f outdir/selected_rank.csv ] || fail "csv -o DIR"

# junit
xmllint --noout run.xml || fail "junit not well-formed"
expect_eq "junit testcases" "$(grep -c '<testcase ' run.xml)" 8
grep -q 'failures="0"' run.xml || fail "junit: failures attribute"

# html: sections, charts, values
html_check run.html
for id in summary ranking speedup utilization memory failures timeline busy peaks total-speedup no-samples; do
	grep -q "id=\"$id\"" run.html || fail "html: no #$id"
done
grep -q 'class="ideal"' run.html || fail "html: no ideal line"
grep -q 'gemm-blocked\[n=512,block=32\]' run.html || fail "html: no test case"
if grep -Eq '<script|src=|href="http' run.html; then fail "html: not self-contained"; fi
run_bench 0 report 1 --db $DB --format html -o serial.html
html_check serial.html
grep -q 'id="total-speedup"' serial.html || fail "html: serial run has no speedup"

# samples, when present, are drawn as time series
u=$(sql $DB "SELECT min(id) FROM units WHERE run_id=2")
sql $DB "INSERT INTO samples (unit_id, t, rss_kb) VALUES ($u, 0.0, 1000), ($u, 0.01, 5000), ($u, 0.02, 9000)"
run_bench 0 report 2 --db $DB --format html -o sampled.html
html_check sampled.html
grep -q 'class="series"' sampled.html || fail "html: no time series"
if grep -q 'id="no-samples"' sampled.html; then fail "html: says no samples"; fi

# errors
run_bench 2 report --db $DB --format pdf
run_bench 2 report --db $DB
run_bench 2 report --db nowhere.db --format term
run_bench 2 report 99 --db $DB --format term
grep -q 'no run 99' err.txt || fail "missing run message"
run_bench 2 -f examples/quickstart.yaml --report pdf
integrity $DB
exit 0
