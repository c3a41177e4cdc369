#!/bin/sh
# Malformed status records (not JSON, wrong types, unknown record types or
# statuses, blank lines) are counted and noted; the good records around
# them still count and the unit ends ok.
. "$top_srcdir/tests/faults/lib.sh"
set -e
fault_begin badjson
fault_unit badjson bad-json
fault_end
fault_run 0 -f job.yaml --parallel -w 2
fault_check badjson ok "[0-9]+ bad status records? ignored \(first: .+\)"
fault_metric badjson
expect_match "badjson log" "$(cat "$(fault_log badjson)")" "bad status record ignored"
exit 0
