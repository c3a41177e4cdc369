#!/bin/sh
# A unit that calls abort() ends crashed (SIGABRT); its stderr is in its log.
. "$top_srcdir/tests/faults/lib.sh"
set -e
fault_begin abort
fault_unit abort abort
fault_end
fault_run 1 -f job.yaml --parallel -w 2
fault_check abort crashed "killed by signal 6 \(Abort"
expect_eq "abort signal" "$(unit_field abort signal)" 6
expect_match "abort log" "$(cat "$(fault_log abort)")" "fakeworker: aborting"
exit 0
