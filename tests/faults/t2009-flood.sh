#!/bin/sh
# A million records over 300 metric names: bench keeps up, keeps the first
# 256 names (the last value of each), notes the rest, and its memory stays
# bounded.
. "$top_srcdir/tests/faults/lib.sh"
set -e
fault_begin flood
fault_unit flood flood 1000000
fault_end
fault_run 0 -f job.yaml --parallel -w 2
fault_check flood ok "more than 256 metrics: [0-9]+ dropped"
expect_eq "flood metrics" "$(sql $DB "SELECT count(*) FROM metrics m JOIN units u ON u.id=m.unit_id WHERE u.testcase='flood'")" 256
# record i has name m(i%300) and value i: m0's last is 999900
expect_eq "last value kept" "$(sql $DB "SELECT m.value FROM metrics m JOIN units u ON u.id=m.unit_id WHERE u.testcase='flood' AND m.name='m0'")" 999900.0
fault_rss_below 50
[ "$RUN_SECONDS" -le 60 ] || fail "flood took ${RUN_SECONDS}s"
exit 0
