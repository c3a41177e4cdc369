#!/bin/sh
# A unit that exits non-zero without any end record ends failed with its
# exit status.
. "$top_srcdir/tests/faults/lib.sh"
set -e
fault_begin exit
fault_unit exit3 exit 3
fault_unit exit255 exit 255
fault_end
fault_run 1 -f job.yaml --parallel -w 2
fault_check exit3 failed "^exit status 3$"
fault_check exit255 failed "^exit status 255$"
expect_eq "exit code" "$(unit_field exit3 exit_code)" 3
expect_match "exit log" "$(cat "$(fault_log exit3)")" "exiting with 3"
exit 0
