#!/bin/sh
# A full disk: a unit's output that cannot reach its log is not lost
# silently. The unit's error and an event say how much was lost and why,
# and so does a line on stderr. Needs root to mount a 64 KiB tmpfs.
. "$top_srcdir/tests/helper/lib.sh"
set -e
[ "$(id -u)" = 0 ] || skip "needs root to mount a small tmpfs"
mkdir ws
mount -t tmpfs -o size=64k,mode=0700 tmpfs ws 2>/dev/null ||
    skip "cannot mount a tmpfs here"
trap 'umount ws 2>/dev/null; cleanup' EXIT
job_begin full "  retries: 0"
algo loud '["sh", "-c", "head -c 300000 /dev/zero | tr \"\\\\0\" x; echo; exit 0"]'
run_bench 0 -f job.yaml --db "$SCRATCH/bench.db"
DB=bench.db
expect_eq "unit status" "$(sql $DB "SELECT status FROM units")" ok
expect_match "unit error" "$(sql $DB "SELECT error FROM units")" \
    "^log output lost \([0-9]+ bytes\): cannot write the log '.*u0000.log': No space left on device$"
expect_match "event" "$(sql $DB "SELECT detail FROM events WHERE kind='log'")" \
    "u0000: log output lost"
expect_match "stderr" "$(cat err.txt)" "bench: u0000: log output lost \([0-9]+ bytes\)"
exit 0
