#!/bin/sh
# A 10 MiB status line is skipped up to its newline without being kept in
# memory; the records after it count.
. "$top_srcdir/tests/faults/lib.sh"
set -e
fault_begin longline
fault_unit longline long-line 10
fault_end
fault_run 0 -f job.yaml --parallel -w 2
fault_check longline ok "1 bad status record ignored \(first: .*(long|4096)"
fault_metric longline
fault_rss_below 50
exit 0
