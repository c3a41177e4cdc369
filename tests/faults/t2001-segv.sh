#!/bin/sh
# A unit that dies of SIGSEGV ends crashed with the signal; what it reported
# before dying is kept.
. "$top_srcdir/tests/faults/lib.sh"
set -e
fault_begin segv
fault_unit segv segv
fault_end
fault_run 1 -f job.yaml --parallel -w 2
fault_check segv crashed "killed by signal 11 \(Segmentation fault\)"
expect_eq "segv signal" "$(unit_field segv signal)" 11
fault_metric segv
expect_match summary "$(cat out.txt)" "3 ok, 1 crashed"
exit 0
