#!/bin/sh
# A unit that ignores SIGTERM is SIGKILLed after the grace period and ends
# timeout, with the escalation in its error.
. "$top_srcdir/tests/faults/lib.sh"
set -e
fault_begin ignoreterm "  timeout: 1"
fault_unit stubborn ignore-term
fault_end
fault_run 1 -f job.yaml --parallel -w 2 --grace 1
fault_check stubborn timeout "killed after ignoring SIGTERM"
expect_eq "stubborn signal" "$(unit_field stubborn signal)" 9
expect_match "stubborn log" "$(cat "$(fault_log stubborn)")" "SIGKILL"
[ "$RUN_SECONDS" -le 10 ] || fail "run took ${RUN_SECONDS}s"
exit 0
