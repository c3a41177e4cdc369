#!/bin/sh
# A unit that exits leaving a child that left its process group and closed
# every descriptor: bench cannot see it through the pipes, yet no process of
# the run may be left alive.
. "$top_srcdir/tests/faults/lib.sh"
set -e
fault_begin escapeclosed
fault_unit hidden escape-closed 30
fault_end
fault_run 0 -f job.yaml --parallel -w 2
fault_check hidden ok
fault_metric hidden
exit 0
