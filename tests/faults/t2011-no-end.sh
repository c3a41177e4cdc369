#!/bin/sh
# A command that exits 0 without an end record is ok (DESIGN.md: a command
# that reports nothing still gets recorded); its metrics count.
. "$top_srcdir/tests/faults/lib.sh"
set -e
fault_begin noend
fault_unit noend no-end
fault_end
fault_run 0 -f job.yaml --parallel -w 2
fault_check noend ok
fault_metric noend
expect_eq "noend error" "$(unit_field noend error)" ""
exit 0
