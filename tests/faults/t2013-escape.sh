#!/bin/sh
# A unit that exits leaving a child that left its process group (setsid)
# and holds the pipes: bench stops waiting after the grace period, notes it,
# and no process of the run is left alive.
. "$top_srcdir/tests/faults/lib.sh"
set -e
fault_begin escape
fault_unit escapee escape 30
fault_end
fault_run 0 -f job.yaml --parallel -w 2
fault_check escapee ok "status pipe held open by a leftover process"
fault_metric escapee
exit 0
