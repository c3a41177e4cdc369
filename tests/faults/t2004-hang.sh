#!/bin/sh
# A unit that hangs is stopped at its timeout (SIGTERM to its group) and
# ends timeout; the others are not held up.
. "$top_srcdir/tests/faults/lib.sh"
set -e
fault_begin hang "  timeout: 1"
fault_unit hang hang
fault_end
fault_run 1 -f job.yaml --parallel -w 2 --grace 1
fault_check hang timeout "^timed out after 1s$"
expect_eq "hang signal" "$(unit_field hang signal)" 15
[ "$RUN_SECONDS" -le 10 ] || fail "run took ${RUN_SECONDS}s"
exit 0
