#!/bin/sh
# Ianvs's jointinference flow for .py modules (tests/data/ianvs-joint: edge
# and cloud models, a ClassType.HEM module, the job's
# hard_example_mining_mode, initial_model_url loaded into the edge model):
# one unit per test case, every sample inferred on the edge and sent to the
# cloud when the HEM calls it hard; the .py metrics get Ianvs's
# [is_hard, result, edge, cloud] list; expected values computed here
# independently. Then mining-then-inference, and a tree without a
# hard_example_mining module refused at load.
. "$top_srcdir/tests/helper/lib.sh"
. "$top_srcdir/tests/helper/pyfind.sh"
set -e
py_with numpy

cp -r "$top_srcdir/tests/data/ianvs-joint" tree
rm -rf tree/workspace
cd tree
"$PY" data/make_data.py
# partitions split bench's own jointinference; a Python test case runs
# Ianvs's flow whole, in one unit
sed -i 's/^  workspace:.*/&\n  partitions: 3/' benchmarkingjob.yaml
run_bench 0 -f benchmarkingjob.yaml --parallel -w 2 --python "$PY"
DB=workspace/bench.db

# by hand: edge threshold 1.0 (initial model), cloud 2.0; a sample is hard
# when the edge result lies within the margin of 1.0 (inference-then-mining)
# or, mining-then-inference, when the HEM called on the sample file's path
# says so (the HEM then reads a path, not a result: it fails)
"$PY" - >expected.txt <<'PYEOF'
rows = []
for line in open("data/test_index.txt"):
    s, l = line.split()
    rows.append((float(open("data/" + s).read()),
                 int(open("data/" + l).read())))
for margin in (0.3, 1.0):
    hits = cloud = 0
    for v, y in rows:
        hard = abs(v - 1.0) < margin
        label = int(v > 2.0) if hard else int(v > 1.0)
        hits += label == y
        cloud += hard
    name = "edge_cloud[threshold=2.0,threshold_margin=%s]" % margin
    print("%s|accuracy|%.6f" % (name, hits / len(rows)))
    print("%s|cloud_ratio|%.6f" % (name, cloud / len(rows)))
PYEOF
got=$(sql $DB "SELECT u.testcase || '|' || m.name || '|' || printf('%.6f', m.value) FROM metrics m JOIN units u ON u.id = m.unit_id WHERE u.run_id = 1 ORDER BY u.testcase, m.name")
expect_eq "metrics as Ianvs's joint inference flow gives them" "$got" "$(sort expected.txt)"
expect_eq "one unit per test case, whatever --partitions" "$(sql $DB "SELECT group_concat(status) FROM units WHERE run_id = 1")" "ok,ok"
expect_eq "margins give different results" "$(cut -d'|' -f3 expected.txt | sort -u | wc -l | tr -d ' ')" 4

# mining-then-inference: the HEM sees the sample, as sedna calls it
sed -i 's/inference-then-mining/mining-then-inference/' benchmarkingjob.yaml
run_bench 1 -f benchmarkingjob.yaml --python "$PY"
expect_match "HEM called on the sample" "$(cat out.txt err.txt)" "TypeError: string indices must be integers"

# an unknown mode ends the unit saying which are known
sed -i 's/mining-then-inference/edge-first/' benchmarkingjob.yaml
run_bench 1 -f benchmarkingjob.yaml --python "$PY"
expect_match "mode checked" "$(cat out.txt err.txt)" "Mining Mode must be in"

# no hard_example_mining module: refused at load, as Ianvs would refuse it
sed -i '/type: "hard_example_mining"/,$d' algorithm/algorithm.yaml
run_bench 2 list -f benchmarkingjob.yaml
expect_match "modules required" "$(cat err.txt)" "algorithm.yaml:[0-9]+:[0-9]+: jointinference with Python modules needs modules of type edgemodel, cloudmodel and hard_example_mining"
exit 0
