#!/bin/sh
# The charts of the HTML run report: round tick values (steps of 1, 2 or
# 5 x 10^k) on the timeline and the RSS and CPU time series; the RSS chart
# has a legend naming its units and a dot per sample (a unit sampled once
# was invisible); CPU% from the samples is drawn; the statistics table is
# compact and can scroll rather than lose its last column.
# (t5153: the scale and nightly pages.)
. "$top_srcdir/tests/helper/lib.sh"
set -e
command -v xmllint >/dev/null || skip "xmllint not installed"

# labels FILE SVG_SELECTOR ANCHOR: the text of the labels anchored ANCHOR
# in the first svg whose opening tag matches SVG_SELECTOR
labels() {
	tr '\n' ' ' <"$1" | grep -o "<svg[^>]*$2.*" | sed 's|</svg>.*||' |
	    grep -o "<text [^>]*text-anchor=\"$3\"[^>]*>[^<]*</text>" |
	    sed 's/<[^>]*>//g'
}

job_begin charts "  repeat: 2"
algo nap '[sleep, "0.1"]'
algo nap2 '[sleep, "0.2"]'
run_bench 0 -f job.yaml -q --sample 0
DB=ws/bench.db
# samples by hand: two units, RSS from 1 to 9.7 MiB, CPU up to 87%
u1=$(sql $DB "SELECT min(id) FROM units")
u2=$(sql $DB "SELECT max(id) FROM units")
sql $DB "INSERT INTO samples (unit_id, t, rss_kb, cpu_pct) VALUES
    ($u1, 0.00, 1024, NULL), ($u1, 0.05, 5000, 87.5), ($u1, 0.09, 9900, 42),
    ($u2, 0.00, 2048, NULL), ($u2, 0.10, 3000, 12.25)"
run_bench 0 report --db $DB --last --format html -o run.html
xmllint --noout run.html || fail "run.html is not well-formed"

# the RSS chart: round MiB and seconds, a legend with both units
rss=$(labels run.html 'aria-label="RSS over time"' end)
expect_match "RSS in MiB" "$rss" ' MiB$'
round "RSS ticks" "$rss"
round "RSS time ticks" "$(labels run.html 'aria-label="RSS over time"' middle | grep ' s$')"
legend=$(grep -o '<p class="serieslegend">.*</p>' run.html | head -1)
expect_match "legend, unit 1" "$legend" "nap2? <small>unit $u1</small>"
expect_match "legend, unit 2" "$legend" "nap2? <small>unit $u2</small>"
# every sample a dot: one sample alone is seen
expect_eq "RSS dots" "$(tr '\n' ' ' <run.html | grep -o '<svg[^>]*aria-label="RSS over time".*' |
    sed 's|</svg>.*||' | grep -o '<circle' | wc -l)" 5

# CPU% from the samples: a chart, 0..100% at least, round
grep -q '<h3 id="cpu">CPU over time</h3>' run.html || fail "no CPU chart"
cpu=$(labels run.html 'aria-label="CPU over time"' end)
expect_match "CPU in percent" "$cpu" '^100%$'
round "CPU ticks" "$cpu"

# the timeline
round "timeline ticks" "$(labels run.html 'id="timeline"' middle | grep ' s$')"

# statistics: compact, inside a scrolling box
grep -q '<div class="wide"><table class="stats">' run.html ||
	fail "statistics table not in a scrolling box"

exit 0
