#!/bin/sh
# A unit that closes its status pipe and keeps running is waited for: it
# ends when it exits, with what it reported before closing.
. "$top_srcdir/tests/faults/lib.sh"
set -e
fault_begin closeearly
fault_unit closer close-early 2
fault_end
fault_run 0 -f job.yaml --parallel -w 2
fault_check closer ok
fault_metric closer
expect_eq "closer error" "$(unit_field closer error)" ""
wall=$(unit_field closer "CAST(wall_s AS INTEGER)")
[ "$wall" -ge 2 ] || fail "closer wall_s $wall: bench did not wait for it"
exit 0
