#!/bin/sh
# Two databases on one workspace each have a run 1: the second takes
# runs/1-2 (its units' log paths say so) instead of appending to the
# first one's logs. Symlinks planted in the workspace (NAME, runs, a
# log) are not followed: bench refuses a directory that is not its own,
# picks a new run directory past a planted one, and never writes through
# a planted log.
. "$top_srcdir/tests/helper/lib.sh"
set -e
job_begin shared
algo a '["sh", "-c", "echo from-$BENCH_UNIT-$0", "{n}"]' "              hyperparameters:
                - n: {values: [1]}"
sed -i 's/{n}"]/{n}"]/' job.yaml
run_bench 0 -f job.yaml --db a.db
run_bench 0 -f job.yaml --db b.db
la=$(sql a.db "SELECT log_path FROM units")
lb=$(sql b.db "SELECT log_path FROM units")
expect_match "first run's logs" "$la" "/runs/1/logs/"
expect_match "second run's logs" "$lb" "/runs/1-2/logs/"
expect_eq "first log holds one run" "$(grep -c from- "$la")" 1
expect_eq "second log holds one run" "$(grep -c from- "$lb")" 1

# runs/N planted as a symlink: a new name, nothing written through it
mkdir outside
rm -f c.db
ln -s "$SCRATCH/outside" ws/shared/runs/1-3
ln -s "$SCRATCH/outside" ws/shared/runs/1-4
run_bench 0 -f job.yaml --db c.db
expect_match "past the planted ones" "$(sql c.db "SELECT log_path FROM units")" "/runs/1-5/logs/"
expect_eq "nothing outside" "$(ls outside | wc -l)" 0

# a planted log in a run's log directory is not followed: the run that
# owns it is another one's, so plant in a fresh workspace's run 1
rm -rf ws d.db
mkdir -p ws/shared/runs
ln -s "$SCRATCH/outside" ws/shared/runs/1
run_bench 0 -f job.yaml --db d.db
expect_match "planted runs/1" "$(sql d.db "SELECT log_path FROM units")" "/runs/1-2/logs/"
expect_eq "nothing outside" "$(ls outside | wc -l)" 0

# the job's own directory (workspace/NAME) planted: refused, exit 3
rm -rf ws e.db
mkdir ws
ln -s "$SCRATCH/outside" ws/shared
run_bench 3 -f job.yaml --db e.db
expect_match "refused" "$(cat err.txt)" "ws/shared' is a symbolic link, not a directory of bench's"
expect_eq "nothing outside" "$(ls outside | wc -l)" 0
exit 0
