#!/bin/sh
# Ianvs's incrementallearning flow for .py modules (tests/data/ianvs-
# incremental: a ClassFactory estimator, a ClassType.HEM hard example
# mining module, initial_model_url, model_eval, txt index data): the train
# data split into rounds, hard samples copied and trained on, the new model
# kept only when model_eval says so, then the test inference; the metrics
# (.py accuracy and Ianvs's samples_transfer_ratio) as computed here
# independently from the data files; parallel equals serial.
. "$top_srcdir/tests/helper/lib.sh"
. "$top_srcdir/tests/helper/pyfind.sh"
set -e
py_with numpy

cp -r "$top_srcdir/tests/data/ianvs-incremental" tree
rm -rf tree/workspace
cd tree
"$PY" data/make_data.py
run_bench 0 -f benchmarkingjob.yaml --parallel -w 2 --python "$PY" \
    --report csv
DB=workspace/bench.db

# The flow by hand: threshold classifier, 2 rounds over the train index
# (each cut 80/20 into inference/evaluation), a sample hard when within the
# margin of the threshold, training moves the threshold to the midpoint of
# the hard samples' class means, kept when its accuracy on the round's
# evaluation part is >= the old one's; transfer ratio hard/(inferred+1).
"$PY" - >expected.txt <<'PYEOF'
def rows(index):
    out = []
    for line in open("data/" + index):
        s, l = line.split()
        out.append((float(open("data/" + s).read()),
                    int(open("data/" + l).read())))
    return out
def acc(t, rs):
    return sum((v > t) == bool(y) for v, y in rs) / len(rs)
train, test = rows("train_index.txt"), rows("test_index.txt")
step = len(train) // 2
parts = [train[:step], train[step:]]
for margin in (0.5, 1.5):
    t, inferred, moved = 0.5, 0, 0
    for part in parts:
        cut = int(len(part) * 0.8)
        infer, ev = part[:cut], part[cut:]
        hard = [(v, y) for v, y in infer if abs(v - t) < margin]
        inferred += len(infer)
        moved += len(hard)
        if not hard:
            continue
        c0 = [v for v, y in hard if y == 0]
        c1 = [v for v, y in hard if y == 1]
        new = t
        if c0 and c1:
            new = t + ((sum(c0) / len(c0) + sum(c1) / len(c1)) / 2 - t)
        if acc(new, ev) - acc(t, ev) >= 0.0:
            t = new
    inferred += len(test)
    moved += sum(1 for v, _ in test if abs(v - t) < margin)
    name = "threshold_il[step=1.0,threshold_margin=%s]" % margin
    print("%s|accuracy|%.6f" % (name, acc(t, test)))
    print("%s|samples_transfer_ratio|%.6f" %
          (name, round(moved / (inferred + 1), 4)))
PYEOF
got=$(sql $DB "SELECT u.testcase || '|' || m.name || '|' || printf('%.6f', m.value) FROM metrics m JOIN units u ON u.id = m.unit_id WHERE u.run_id = 1 ORDER BY u.testcase, m.name")
expect_eq "metrics as Ianvs's incremental flow gives them" "$got" "$(sort expected.txt)"
expect_eq "all ok" "$(sql $DB "SELECT group_concat(status) FROM units WHERE run_id = 1")" "ok,ok"
# the two test cases differ (else the test shows little)
expect_eq "margins give different results" "$(cut -d'|' -f3 expected.txt | sort -u | wc -l | tr -d ' ')" 4
expect_match "ranked by accuracy" "$(sed -n 2p workspace/threshold_incremental/rank/all_rank.csv)" "^1,threshold_il,$(grep 'margin=1.5.*accuracy' expected.txt | cut -d'|' -f3 | sed 's/0*$//')"
# Ianvs's layout in the unit's workspace: the split, the hard samples, the
# rounds' models
W=workspace/threshold_incremental/runs/1/work/u0001
ls $W/dataset/dataset-model_inference-1.txt $W/dataset/dataset-model_evaluation-2.txt >/dev/null ||
    fail "no dataset split in the unit's workspace"
ls $W/output/inference/hard_examples/1/*.txt >/dev/null 2>&1 ||
    fail "no hard examples copied in round 1"
ls $W/output/train/1/model.json >/dev/null || fail "round 1 saved no model"
run_bench 0 verify -f benchmarkingjob.yaml -w 2 --python "$PY"
expect_match "verify identical" "$(cat out.txt err.txt)" "identical|match"

# without initial_model_url Ianvs cannot infer the first round: the unit
# fails saying so
sed -i '/initial_model_url/d' algorithm/algorithm.yaml
run_bench 1 -f benchmarkingjob.yaml --python "$PY"
expect_match "initial model required" "$(cat out.txt err.txt)" "incrementallearning needs the algorithm's initial_model_url"
exit 0
