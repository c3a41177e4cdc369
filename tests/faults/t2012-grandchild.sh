#!/bin/sh
# A unit that exits leaving a child in its process group, holding the
# pipes: the child is killed with the group at once, and the unit is ok.
. "$top_srcdir/tests/faults/lib.sh"
set -e
fault_begin grandchild
fault_unit orphan grandchild 30
fault_end
fault_run 0 -f job.yaml --parallel -w 2
fault_check orphan ok
fault_metric orphan
expect_eq "orphan error" "$(unit_field orphan error)" ""
wall=$(unit_field orphan "CAST(wall_s AS INTEGER)")
[ "$wall" -lt 2 ] || fail "orphan wall_s $wall: bench waited for the child"
exit 0
