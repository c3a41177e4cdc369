#!/bin/sh
# initial_model_url reaches a Python module as Ianvs hands it over: under
# singletasklearning BASE_MODEL_URL is it while train() runs, and when
# save() returns None the module's load() gets it (Ianvs's "trained_model
# = self.initial_model"); a relative path is found as Ianvs finds files
# (the cwd, then beside the algorithm file) and given absolute.
. "$top_srcdir/tests/helper/lib.sh"
. "$top_srcdir/tests/helper/pyfind.sh"
set -e
py_with numpy

mkdir -p algo data models
echo "1.5" >models/start.txt
for i in 0 1 2; do echo "$i" >data/s$i.txt; echo "$((i % 2))" >data/l$i.txt; done
printf 'data/s0.txt data/l0.txt\ndata/s1.txt data/l1.txt\n' >train.txt
printf 'data/s2.txt data/l2.txt\n' >test.txt
cat >algo/model.py <<'PY'
import os
from sedna.common.class_factory import ClassFactory, ClassType

@ClassFactory.register(ClassType.GENERAL, alias="m")
class M:
    def __init__(self, **kw):
        self.seen = {}
    def train(self, train_data, **kw):
        self.seen["base"] = os.environ.get("BASE_MODEL_URL")
    def save(self, path):
        return None
    def load(self, path):
        self.seen["load"] = path
    def predict(self, x):
        return [self.seen] * len(x)
PY
cat >algo/seen.py <<'PY'
import os
from sedna.common.class_factory import ClassFactory, ClassType
WANT = os.path.join(os.getcwd(), "models", "start.txt")

@ClassFactory.register(ClassType.GENERAL, alias="base_is_initial")
def base_is_initial(y_true, y_pred):
    return float(y_pred[0]["base"] == WANT)

@ClassFactory.register(ClassType.GENERAL, alias="load_is_initial")
def load_is_initial(y_true, y_pred):
    return float(y_pred[0]["load"] == WANT)
PY
cat >job.yaml <<'YAML'
benchmarkingjob:
  name: j
  workspace: ./ws
  testenv:
    dataset: {train_url: ./train.txt, test_url: ./test.txt}
    metrics:
      - {name: base_is_initial, url: ./algo/seen.py}
      - {name: load_is_initial, url: ./algo/seen.py}
  test_object:
    type: algorithms
    algorithms:
      - name: a
        url: ./algo/algorithm.yaml
YAML
cat >algo/algorithm.yaml <<'YAML'
algorithm:
  paradigm_type: singletasklearning
  initial_model_url: ../models/start.txt
  modules:
    - {type: basemodel, name: m, url: ./algo/model.py}
YAML
run_bench 0 -f job.yaml --python "$PY"
expect_eq "BASE_MODEL_URL and load() get initial_model_url" \
    "$(sql ws/bench.db "SELECT group_concat(name || '=' || value, ' ') FROM (SELECT name, value FROM metrics ORDER BY name)")" \
    "base_is_initial=1.0 load_is_initial=1.0"
exit 0
