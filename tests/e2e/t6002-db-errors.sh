#!/bin/sh
# A database that cannot be created or written: a clear error, exit 3, and
# nothing already committed is lost (disk full on a small tmpfs, as root).
. "$top_srcdir/tests/helper/lib.sh"
set -e

job_begin dberr
algo ok '["true"]'
run_bench 3 -f job.yaml --db /proc/bench.db
expect_match "cannot create" "$(cat err.txt)" "/proc/bench.db"
mkdir adir
run_bench 3 -f job.yaml --db adir
expect_match "a directory" "$(cat err.txt)" "adir"

[ "$(id -u)" -eq 0 ] || skip "the rest needs root"

# a database the user may read but not write: exit 3, nothing changed
# (as nobody, when nobody can reach bench here)
run_bench 0 -f job.yaml --db ro/bench.db
chmod 0755 "$SCRATCH" ro
chmod 0644 ro/bench.db
rm -f ro/bench.db-wal ro/bench.db-shm
if runuser -u nobody -- test -x "$BENCH" 2>/dev/null; then
	set +e
	runuser -u nobody -- "$BENCH" -f "$SCRATCH/job.yaml" \
	    --db "$SCRATCH/ro/bench.db" >out.txt 2>err.txt
	rc=$?
	set -e
	expect_eq "read-only database exits 3" $rc 3
	expect_match "read-only says so" "$(cat err.txt)" "ro/bench.db"
	expect_eq "read-only database unchanged" \
	    "$(sql ro/bench.db "SELECT count(*) FROM runs")" 1
else
	echo "nobody cannot execute $BENCH: read-only case not run" >&2
fi

mkdir small
mount -t tmpfs -o size=192k tmpfs small 2>/dev/null || skip "cannot mount tmpfs"
trap 'st=$?; umount -l small 2>/dev/null; (exit $st); cleanup' EXIT
run_bench 0 -f job.yaml --db small/bench.db
before=$(sql small/bench.db "SELECT count(*) FROM units WHERE status='ok'")
# fill the disk, then a run with enough output to need more pages
head -c 10M /dev/zero >small/fill 2>/dev/null || true
job_begin dberr
algo many '["true", "{i}"]' "              hyperparameters:
                - i: {values: [$(seq -s, 1 400)]}"
set +e
"$BENCH" -f job.yaml --db small/bench.db >out.txt 2>err.txt
rc=$?
set -e
expect_eq "disk full exits 3" $rc 3
expect_match "says why" "$(cat err.txt)" "full|No space"
rm -f small/fill
expect_eq "committed run intact" "$(sql small/bench.db "SELECT count(*) FROM units WHERE run_id=1 AND status='ok'")" "$before"
integrity small/bench.db
exit 0
