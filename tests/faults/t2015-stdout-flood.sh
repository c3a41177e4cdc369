#!/bin/sh
# A unit that writes 100 MiB to stdout: its log keeps the first 64 MiB and a
# note, bench's memory stays bounded, and the unit is ok.
. "$top_srcdir/tests/faults/lib.sh"
set -e
fault_begin stdoutflood
fault_unit chatty stdout 100
fault_end
fault_run 0 -f job.yaml --parallel -w 2
fault_check chatty ok
fault_metric chatty
log=$(fault_log chatty)
size=$(wc -c <"$log")
[ "$size" -ge $((64 * 1024 * 1024)) ] && [ "$size" -le $((64 * 1024 * 1024 + 200)) ] ||
    fail "log of $size bytes, want 64 MiB and a note"
expect_match "truncation note" "$(tail -c 200 "$log")" "log truncated"
fault_rss_below 50
exit 0
