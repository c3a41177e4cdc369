#!/bin/sh
# examples/cellseg-torch.yaml, small: the PyTorch U-Net trains once at
# first use (under a lock, cached in the workspace), then segments
# held-out synthetic microscopy images with dice > 0.7; images_per_s is
# stored as a timing metric; a second run reuses the weights; torch uses
# OMP_NUM_THREADS threads. Skips when no python3 has torch.
. "$top_srcdir/tests/helper/lib.sh"
. "$top_srcdir/tests/helper/pyfind.sh"
set -e
py_with torch numpy

# the example's job with this machine's interpreter, one batch size and
# 8 images; the same scripts, run from here
sed -e "s|/usr/bin/python3|$PY|" \
    -e "s|examples/cellseg_torch/|$top_srcdir/examples/cellseg_torch/|" \
    -e 's|batch_size: {values: \[1, 4, 16\]}|batch_size: {values: [4]}|' \
    -e 's|images: {values: \[64\]}|images: {values: [8]}|' \
    -e 's|repeat: 4|repeat: 2|' \
    "$top_srcdir/examples/cellseg-torch.yaml" >job.yaml
grep -q 'values: \[4\]' job.yaml && grep -q "$PY" job.yaml ||
    fail "could not shrink the example job"
DB=workspace/bench.db
LOGS=workspace/cellseg-torch/runs

OMP_NUM_THREADS=1 run_bench 0 -f job.yaml --parallel -w 2
expect_eq "units ok" "$(sql $DB "SELECT group_concat(status) FROM units WHERE run_id = 1")" "ok,ok"
expect_eq "dice > 0.7 on held-out images" \
    "$(sql $DB "SELECT count(*) FROM metrics m JOIN units u ON u.id = m.unit_id WHERE u.run_id = 1 AND m.name = 'dice' AND m.value > 0.7 AND m.timing = 0")" 2
expect_eq "images_per_s is timing" \
    "$(sql $DB "SELECT count(*) FROM metrics m JOIN units u ON u.id = m.unit_id WHERE u.run_id = 1 AND m.name = 'images_per_s' AND m.value > 0 AND m.timing = 1")" 2
[ -s workspace/cellseg-torch/unet.pt ] || fail "no cached weights"
expect_eq "trained once" "$(cat $LOGS/1/logs/*.log | grep -c 'trained in')" 1
expect_match "threads from OMP_NUM_THREADS" "$(cat $LOGS/1/logs/u0000.log)" \
    "batch 4, 1 threads: dice"

# the second run loads the cached weights, and gives the same dice
run_bench 0 -f job.yaml --parallel -w 2
expect_eq "not trained again" "$(cat $LOGS/2/logs/*.log | grep -c 'trained in' || true)" 0
expect_eq "same dice" \
    "$(sql $DB "SELECT count(DISTINCT m.value) FROM metrics m WHERE m.name = 'dice'")" 1
exit 0
