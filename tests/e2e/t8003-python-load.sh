#!/bin/sh
# Loading Ianvs jobs with Python modules: a .py that does not exist, an
# Ianvs paradigm bench does not run, a .py module under a paradigm whose
# Ianvs flow the adapter does not run (lifelong, federated; incremental
# loads), a .py metric beside a test case that
# cannot run it: each exits 2 with FILE:LINE:COL; Ianvs's own keys load.
# Needs no Python: nothing runs.
. "$top_srcdir/tests/helper/lib.sh"
set -e

mkdir -p algorithm testenv
: >algorithm/model.py
: >testenv/acc.py
# job MODULE_URL PARADIGM [EXTRA JOB KEYS] [METRIC URL]
job() {
	cat >job.yaml <<YAML
benchmarkingjob:
  name: j
  workspace: ./ws
${3:-}
  testenv:
    dataset: {train_url: ./train.txt, test_url: ./test.txt}
    metrics:
      - {name: acc, url: ${4:-./testenv/acc.py}}
  test_object:
    type: algorithms
    algorithms:
      - name: a
        algorithm:
          paradigm_type: $2
          modules:
            - {type: basemodel, name: m, url: $1}
YAML
}
job ./algorithm/nothere.py singletasklearning
run_bench 2 list -f job.yaml
expect_match "missing .py" "$(cat err.txt)" "job.yaml:[0-9]+:[0-9]+: python module './algorithm/nothere.py' not found"
job ./algorithm/model.py multiedgeinference
run_bench 2 list -f job.yaml
expect_match "Ianvs paradigm refused" "$(cat err.txt)" "job.yaml:14:26: paradigm_type 'multiedgeinference' is an Ianvs paradigm bench does not support yet"
job ./algorithm/model.py federatedclassincrementallearning
run_bench 2 list -f job.yaml
expect_match "fcil refused" "$(cat err.txt)" "job.yaml:14:26: paradigm_type 'federatedclassincrementallearning' is an Ianvs paradigm"
job ./algorithm/model.py lifelonglearning
run_bench 2 list -f job.yaml
expect_match "python under lifelong learning" "$(cat err.txt)" "job.yaml:16:[0-9]+: paradigm lifelonglearning with Python modules is not supported yet: bench runs .py modules under singletasklearning, incrementallearning and jointinference only"
job ./algorithm/model.py federatedlearning
run_bench 2 list -f job.yaml
expect_match "python under federated learning" "$(cat err.txt)" "job.yaml:16:[0-9]+: paradigm federatedlearning with Python modules is not supported yet"
job ./algorithm/model.py incrementallearning
run_bench 0 list -f job.yaml
expect_match "python under incremental learning loads" "$(cat out.txt)" "incrementallearning.*model.py"
job builtin:gemm singletasklearning
run_bench 2 list -f job.yaml
expect_match ".py metric never ignored" "$(cat err.txt)" "job.yaml:[0-9]+:[0-9]+: this .py metric runs only in Python-module test cases, and test case 'a' is not one"
job ./algorithm/model.py singletasklearning "  hard_example_mining_mode: mining-then-inference
  simulation: {cluster_name: x}
  python: /usr/bin/python3"
run_bench 0 list -f job.yaml
expect_match "Ianvs keys accepted" "$(cat out.txt)" "model.py"
job ./algorithm/model.py singletasklearning "  hard_example_minig_mode: x"
run_bench 2 list -f job.yaml
expect_match "unknown key still an error" "$(cat err.txt)" "did you mean 'hard_example_mining_mode'"
exit 0
