#!/bin/sh
# Bad Python modules end their own unit with a clear error (the
# exception's last line; the traceback in the unit's log) while the
# others finish: a module that registers no class under its name, one
# that raises in __init__, in train, in predict, one whose predictions
# have the wrong length, and a metric that returns no number.
. "$top_srcdir/tests/helper/lib.sh"
. "$top_srcdir/tests/helper/pyfind.sh"
set -e
py_with numpy

cp -r "$top_srcdir/examples/ianvs" tree
rm -rf tree/workspace
cd tree
# mod.py: the example's estimator, broken as the hyperparameter `bug` says
cat >algorithm/mod.py <<'PYEOF'
from sedna.common.class_factory import ClassFactory, ClassType
from basemodel import BaseModel


@ClassFactory.register(ClassType.GENERAL, alias="buggy")
class Buggy(BaseModel):
    def __init__(self, **kw):
        self.bug = kw.pop("bug")
        if self.bug == "init":
            raise RuntimeError("cannot start: bad config")
        super().__init__(**kw)

    def train(self, data, **kw):
        if self.bug == "train":
            raise ValueError("training diverged")
        super().train(data, **kw)

    def predict(self, data, **kw):
        if self.bug == "predict":
            raise KeyError("no such feature")
        pred = super().predict(data, **kw)
        return pred[:-1] if self.bug == "short" else pred
PYEOF
cat >algorithm/noreg.py <<'PYEOF'
class NotRegistered:
    pass
PYEOF
cat >job.yaml <<'YAML'
benchmarkingjob:
  name: bad
  workspace: ./workspace
  testenv: ./testenv/testenv.yaml
  test_object:
    type: algorithms
    algorithms:
      - name: buggy
        algorithm:
          paradigm_type: singletasklearning
          modules:
            - type: basemodel
              name: buggy
              url: ./algorithm/mod.py
              hyperparameters:
                - bug: {values: [none, init, train, predict, short]}
      - name: noreg
        algorithm:
          paradigm_type: singletasklearning
          modules:
            - {type: basemodel, name: missing, url: ./algorithm/noreg.py}
YAML
run_bench 1 -f job.yaml --parallel -w 2 --python "$PY"
DB=workspace/bench.db
q() { sql $DB "SELECT status || '|' || coalesce(error, '') FROM units WHERE testcase = '$1'"; }
expect_eq "good one finishes" "$(q 'buggy[bug=none]')" "ok|"
expect_eq "__init__" "$(q 'buggy[bug=init]')" "failed|RuntimeError: cannot start: bad config"
expect_eq "train" "$(q 'buggy[bug=train]')" "failed|ValueError: training diverged"
expect_eq "predict" "$(q 'buggy[bug=predict]')" "failed|KeyError: 'no such feature'"
expect_eq "wrong length" "$(q 'buggy[bug=short]')" "failed|ValueError: predict returned 29 predictions for 30 test samples"
expect_match "not registered" "$(q noreg)" "^failed\|LookupError: .*noreg.py registers no class named 'missing'"
log=$(sql $DB "SELECT log_path FROM units WHERE testcase = 'buggy[bug=train]'")
expect_match "traceback in the log" "$(cat "$log")" "Traceback \(most recent call last\)"
expect_match "traceback names the line" "$(cat "$log")" "mod.py\", line 15, in train"
expect_eq "good metrics kept" "$(sql $DB "SELECT count(*) FROM metrics m JOIN units u ON u.id = m.unit_id WHERE u.testcase = 'buggy[bug=none]'")" 2
exit 0
