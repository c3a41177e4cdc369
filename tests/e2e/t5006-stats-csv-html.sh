#!/bin/sh
# Statistics in the CSV and HTML reports: `bench report --format csv`
# writes rank/stats.csv (one row per test case and metric: n, mean,
# median, sd, min, max, the 95% t interval, outliers) beside Ianvs's
# all_rank.csv and selected_rank.csv, whose columns do not change; the
# HTML page has a Statistics section with the same figures and flags
# outliers. With one unit per test case the CSV says "n=1" with empty
# interval cells and the page says there is no interval.
. "$top_srcdir/tests/helper/lib.sh"
set -e
command -v xmllint >/dev/null || skip "xmllint not installed"

# each unit reports how many units ran before it, plus one, except the
# 7th, which reports 100: after the warm-up (1) the sample is 2 3 4 5 6
# 100: mean 20, median 4.5, min 2, max 100, and 100 is beyond Tukey's
# upper fence (q3 5.75 + 1.5 x 2.5)
cat >unit.sh <<'SH'
#!/bin/sh
echo x >>"$1"
n=$(wc -l <"$1")
[ "$n" -eq 7 ] && n=100
printf '{"t":"metric","name":"score","value":%d}\n' "$n" >&"$BENCH_STATUS_FD"
SH
job_begin st "  repeat: 6
  warmup: 1"
algo count "[sh, $SCRATCH/unit.sh, $SCRATCH/counter]"
run_bench 0 -f job.yaml --serial -q
run_bench 0 report -f job.yaml --last --format csv -o rank
test -f rank/stats.csv || fail "no stats.csv"
head -1 rank/all_rank.csv | tr -d '\r' >h.txt
expect_eq "all_rank header" "$(cat h.txt)" "rank,algorithm,score,paradigm,basemodel,time,url"
tr -d '\r' <rank/stats.csv >s.csv
expect_eq "stats header" "$(head -1 s.csv)" \
	"run,testcase,metric,n,mean,median,sd,min,max,ci95_low,ci95_high,interval,outliers"
row=$(grep '^1,count,score,' s.csv) || fail "no score row: $(cat s.csv)"
# sd = sqrt(7690/5) = 39.21734; t(5) = 2.571: half-width 41.16277
expect_match "score row" "$row" \
	'^1,count,score,6,20,4\.5,39\.21734[0-9]*,2,100,-21\.16277[0-9]*,61\.16277[0-9]*,t95,1$'
expect_match "wall_s row" "$(grep '^1,count,wall_s,' s.csv)" \
	'^1,count,wall_s,6,[0-9.e-]+,[0-9.e-]+,[0-9.e-]+,[0-9.e-]+,[0-9.e-]+,[0-9.e-]+,[0-9.e-]+,t95,[0-9]+$'

run_bench 0 report -f job.yaml --last --format html -o run.html
xmllint --noout run.html || fail "run.html is not well-formed"
sec=$(sed -n '/id="stats"/,/<\/div>/p' run.html)
expect_match "stats section" "$sec" "<h2>Statistics</h2>"
expect_match "score stats" "$sec" \
	'<td>count</td><td>score</td><td class="n">6</td><td class="n">20</td><td class="n">&#177; 41\.16[0-9]*</td><td class="n">\[-21\.16[0-9]*, 61\.16[0-9]*\]</td><td class="n">4\.5</td>'
expect_match "outlier flag" "$sec" '<td class="bad">1 outlier</td></tr>'

# one unit per test case: n=1 said, no interval invented
rm -f counter
run_bench 0 -f job.yaml --serial -q --repeat 1 --warmup 0
run_bench 0 report -f job.yaml --last --format csv -o rank1
tr -d '\r' <rank1/stats.csv >s1.csv
expect_match "n=1 row" "$(grep '^2,count,score,' s1.csv)" \
	'^2,count,score,1,1,1,,1,1,,,n=1,0$'
run_bench 0 report -f job.yaml --last --format html -o one.html
xmllint --noout one.html || fail "one.html is not well-formed"
expect_match "n=1 note" "$(sed -n '/id="stats"/,/<\/div>/p' one.html)" \
	'measured once \(n=1\): no interval'
integrity ws/bench.db
exit 0
