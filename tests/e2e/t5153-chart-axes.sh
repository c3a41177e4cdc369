#!/bin/sh
# The value axes of bench scale's page (throughput, per-user loss) and of
# bench nightly's trend charts have round ticks (steps of 1, 2 or 5 x
# 10^k), with zero a tick when the range crosses it; nightly's labels fit
# left of the axis even when negative (they were cut: "7442.5016" for
# -7442.5016); the scale page has a CPU column.
. "$top_srcdir/tests/helper/lib.sh"
set -e
MK=$top_builddir/tests/helper/mkhistory
[ -x "$MK" ] || { echo "mkhistory not built" >&2; exit 99; }
command -v xmllint >/dev/null || skip "xmllint not installed"

job_begin axes
algo nap '[sleep, "0.1"]'
algo nap2 '[sleep, "0.2"]'

# the scale sweep's throughput and loss axes
run_bench 0 scale -f job.yaml -w 1,2 --max-runs 3 --budget 5 --db sc.db \
	--report html=scale.html
tr '\n' ' ' <scale.html | sed 's|</svg>|&\n|g' | grep '<svg' >charts.txt
expect_eq "scale charts" "$(wc -l <charts.txt)" 2
while read -r chart; do
	round "scale ticks" "$(printf '%s\n' "$chart" |
	    grep -o '<text [^>]*text-anchor="end"[^>]*>[^<]*</text>' |
	    sed 's/<[^>]*>//g')"
done <charts.txt
grep -q '<th>CPU %</th>' scale.html || fail "scale: no CPU column"

# nightly: round value ticks, negative ones fit left of the axis
"$MK" h.db history 12 2 0 1
sql h.db "UPDATE metrics SET value = -7000 - 37 * unit_id WHERE name = 'accuracy';
    UPDATE testcase_metrics SET value = -7000 - 37 * run_id WHERE name = 'accuracy'"
run_bench 0 nightly --db h.db -o n.html
xmllint --noout n.html || fail "n.html is not well-formed"
tr '\n' ' ' <n.html | grep -o '<svg[^>]*class="trend"[^>]*aria-label="accuracy[^"]*">.*' |
    sed 's|</svg>.*||' >acc.svg
neg=$(grep -o '<text x="[0-9]*" y="[0-9.]*" text-anchor="end">[^<]*</text>' acc.svg)
expect_match "negative labels" "$neg" '>-[0-9]+</text>'
round "nightly ticks" "$(printf '%s\n' "$neg" | sed 's/<[^>]*>//g')"
printf '%s\n' "$neg" | sed 's/<text x="\([0-9]*\)"[^>]*>\([^<]*\)<.*/\1 \2/' |
    while read -r x label; do
	# a label is right-aligned at x: 6 px a character must fit
	[ "$x" -ge $((6 * ${#label})) ] ||
		fail "nightly label '$label' at x=$x is clipped"
done
round "nightly wall time ticks" "$(tr '\n' ' ' <n.html |
    grep -o '<svg[^>]*class="trend"[^>]*aria-label="wall time[^"]*">.*' |
    sed 's|</svg>.*||' | grep -o '<text x="[0-9]*" y="[0-9.]*" text-anchor="end">[^<]*</text>' |
    sed 's/<[^>]*>//g')"
exit 0
