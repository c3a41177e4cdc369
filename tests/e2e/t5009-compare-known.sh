#!/bin/sh
# bench compare on known data: three runs of one test case (repeat 5,
# warmup 1) whose measured wall times are then set in the database, so
# the figures can be computed by hand.
#   run 1: 1.0 1.1 0.9 1.0 1.0   mean 1.0, sd 0.0707107
#   run 2: 1.5 1.6 1.4 1.5 1.5   mean 1.5, same sd
#   run 3: 1.0 1.1 0.9 1.0 1.0   as run 1
# 1 -> 2: Welch: difference 0.5, se sqrt(0.005/5 + 0.005/5) = 0.0447214,
# df 8, t(0.975, 8) = 2.306004: 0.5 +- 0.103127, in percent of A's mean
# +50% in [+39.687%, +60.313%]: slower, exit 1. 1 -> 3: +0% in
# [-10.313%, +10.313%]: no change, exit 0. 2 -> 3 is -33.3%: faster, and
# a faster wall time is not worse: exit 0. The warm-up's wall time (set
# to 100 s) is left out of everything.
. "$top_srcdir/tests/helper/lib.sh"
set -e
job_begin known "  repeat: 5
  warmup: 1"
algo t "[true]"
DB=ws/bench.db
for r in 1 2 3; do
	run_bench 0 -f job.yaml --serial -q
done
for r in 1 2 3; do
	base=1.0
	[ $r = 2 ] && base=1.5
	sql $DB "UPDATE units SET wall_s = CASE WHEN warmup = 1 THEN 100 ELSE $base + CASE rep WHEN 2 THEN 0.1 WHEN 3 THEN -0.1 ELSE 0 END END WHERE run_id = $r"
done
expect_eq "run 2's measured wall times" \
	"$(sql $DB "SELECT group_concat(wall_s, ' ') FROM (SELECT wall_s FROM units WHERE run_id = 2 AND warmup = 0 ORDER BY rep)")" \
	"1.5 1.6 1.4 1.5 1.5"

# near A B TOLERANCE: |A - B| <= TOLERANCE
near() {
	awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'
}
# field JSON PATH: one value of the first wall_s item
field() {
	sqlite3 :memory: "SELECT json_extract(value, '\$.$2') FROM json_each(readfile('$1'), '\$.items') WHERE json_extract(value, '\$.metric') = 'wall_s'"
}

run_bench 1 compare --db $DB 1 2 --format json
cp out.txt c12.json
expect_eq "1->2 verdict" "$(field c12.json verdict)" slower
near "$(field c12.json change_pct)" 50 1e-6 || fail "1->2 change $(field c12.json change_pct), want 50"
near "$(field c12.json ci_low)" 39.6873 0.001 || fail "1->2 ci_low $(field c12.json ci_low), want 39.6873"
near "$(field c12.json ci_high)" 60.3127 0.001 || fail "1->2 ci_high $(field c12.json ci_high), want 60.3127"
near "$(field c12.json a.mean)" 1.0 1e-9 || fail "A mean $(field c12.json a.mean): the warm-up counted?"
near "$(field c12.json a.sd)" 0.0707107 1e-6 || fail "A sd $(field c12.json a.sd)"
expect_eq "A n" "$(field c12.json a.n)" 5

run_bench 0 compare --db $DB 1 3 --format json
cp out.txt c13.json
expect_eq "1->3 verdict" "$(field c13.json verdict)" "no change"
near "$(field c13.json ci_low)" -10.3127 0.001 || fail "1->3 ci_low $(field c13.json ci_low)"

run_bench 0 compare --db $DB 2 3
expect_match "2->3 faster" "$(cat out.txt)" "-33\.3%.*faster"
expect_match "2->3 nothing worse" "$(cat out.txt)" "0 items got worse"
exit 0
