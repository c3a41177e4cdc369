#!/bin/sh
# A test-case plugin built outside the tree (only <bench/testcase.h>) runs
# through its .so url; a plugin built for another ABI is refused clearly.
. "$top_srcdir/tests/helper/lib.sh"
set -e

command -v cc >/dev/null || skip "no C compiler"
cc -shared -fPIC -std=c11 -I"$top_srcdir/include" \
	"$top_srcdir/examples/plugin/hello.c" -o hello.so
cc -shared -fPIC -std=c11 -I"$top_srcdir/include" \
	"$top_srcdir/tests/helper/badabi.c" -o badabi.so
cat >job.yaml <<JOB
benchmarkingjob:
  name: plugin
  workspace: ./ws
  testenv: {dataset: {}, metrics: [sum]}
  test_object:
    type: algorithms
    algorithms:
      - name: hello
        algorithm:
          paradigm_type: singletasklearning
          modules:
            - type: basemodel
              name: hello
              url: ./hello.so
              hyperparameters:
                - count: {values: [10, 1000]}
      - name: old
        algorithm:
          paradigm_type: singletasklearning
          modules:
            - {type: basemodel, name: old, url: ./badabi.so}
JOB
run_bench 1 -f job.yaml --parallel -w 2
DB=ws/bench.db
expect_eq "plugin units ok" "$(sql $DB "SELECT count(*) FROM units WHERE algorithm='hello' AND status='ok'")" 2
expect_eq "sum reported" "$(sql $DB "SELECT count(*) FROM metrics WHERE name='sum'")" 2
expect_match "bad abi" "$(sql $DB "SELECT error FROM units WHERE algorithm='old'")" "ABI"
run_bench 0 verify -f job.yaml -w 2 -k hello
exit 0
