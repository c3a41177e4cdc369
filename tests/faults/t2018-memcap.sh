#!/bin/sh
# A unit that goes over its memory cap (resources: {ram: 64M}) ends oom and
# the others are not disturbed. (No check of bench's peak RSS here:
# /usr/bin/time counts the reaped children, and the hog is one.)
. "$top_srcdir/tests/faults/lib.sh"
set -e
fault_begin memcap "  resources: {ram: 64M}"
cat >>job.yaml <<JOB
      - name: hog
        algorithm:
          paradigm_type: singletasklearning
          modules:
            - type: basemodel
              name: hog
              url: builtin:memhog
              hyperparameters:
                - mib: {values: [512]}
JOB
fault_end
fault_run 1 -f job.yaml --parallel -w 2
fault_check hog oom
expect_match "oom error" "$(sql ws/bench.db "SELECT error FROM units WHERE testcase LIKE 'hog%'")" "memory cap"
exit 0
