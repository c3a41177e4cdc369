#!/bin/sh
# Binary garbage on the status pipe (NULs, stray newlines, invalid UTF-8)
# is rejected record by record; the unit's good records still count.
. "$top_srcdir/tests/faults/lib.sh"
set -e
fault_begin binary
fault_unit binary binary 256
fault_end
fault_run 0 -f job.yaml --parallel -w 2
fault_check binary ok "bad status records ignored"
fault_metric binary
fault_rss_below 50
exit 0
