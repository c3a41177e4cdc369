#!/bin/sh
# An Ianvs job tree with .py modules (examples/ianvs: a ClassFactory
# estimator, .py metrics, txt index data) runs as it is from its own
# directory, one process per test case, with the metrics Ianvs's
# singletasklearning flow gives (computed here independently), ranked,
# the rank CSVs written, and verify identical.
. "$top_srcdir/tests/helper/lib.sh"
. "$top_srcdir/tests/helper/pyfind.sh"
set -e
py_with numpy

cp -r "$top_srcdir/examples/ianvs" tree
rm -rf tree/workspace
cd tree
run_bench 0 -f benchmarkingjob.yaml --parallel -w 2 --python "$PY" \
    --report csv
DB=workspace/bench.db

# the expected metrics, from the data files by a separate numpy script
"$PY" - >expected.txt <<'PYEOF'
import numpy as np
def rows(index):
    out = []
    for line in open("data/" + index):
        s, l = line.split()
        out.append((np.loadtxt("data/" + s), int(open("data/" + l).read())))
    return out
tr, te = rows("train_index.txt"), rows("test_index.txt")
x = np.array([r[0] for r in tr]); y = np.array([r[1] for r in tr])
c0, c1 = x[y == 0].mean(0), x[y == 1].mean(0)
for bias in (0.0, 0.8):
    truth = np.array([r[1] for r in te])
    xt = np.array([r[0] for r in te])
    pred = (np.linalg.norm(xt - c1, axis=1) - bias <
            np.linalg.norm(xt - c0, axis=1)).astype(int)
    tp = int(((pred == 1) & (truth == 1)).sum())
    fp = int(((pred == 1) & (truth == 0)).sum())
    fn = int(((pred == 0) & (truth == 1)).sum())
    print("centroid_classifier[bias=%s]|accuracy|%.6f" % (bias, (pred == truth).mean()))
    print("centroid_classifier[bias=%s]|f1_score|%.6f" % (bias, 2 * tp / (2 * tp + fp + fn)))
PYEOF
got=$(sql $DB "SELECT u.testcase || '|' || m.name || '|' || printf('%.6f', m.value) FROM metrics m JOIN units u ON u.id = m.unit_id WHERE u.run_id = 1 ORDER BY u.testcase, m.name")
expect_eq "metrics as Ianvs computes them" "$got" "$(sort expected.txt)"
expect_eq "all ok" "$(sql $DB "SELECT group_concat(status) FROM units WHERE run_id = 1")" "ok,ok"
expect_eq "one process each" "$(sql $DB "SELECT count(DISTINCT pid) FROM units WHERE run_id = 1")" 2
# ranked: bias 0.8 is the better one on this data
expect_match "ranked" "$(sed -n 2p workspace/centroid_job/rank/all_rank.csv)" "^1,centroid_classifier"
expect_match "rank csv has the metrics" "$(head -1 workspace/centroid_job/rank/selected_rank.csv)" "accuracy,f1_score"
# each unit trained and saved into its own directory
ls workspace/centroid_job/runs/1/work/u0000/output/train/centroids.npy >/dev/null ||
    fail "no model saved in the unit's workspace"
run_bench 0 verify -f benchmarkingjob.yaml -w 2 --python "$PY"
expect_match "verify identical" "$(cat out.txt err.txt)" "identical|match"
exit 0
