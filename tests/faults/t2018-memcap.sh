#!/bin/sh
# A unit that goes over its memory cap (resources: {ram: 64M}) ends oom and
# the others are not disturbed. Not in TESTS yet: memory caps are issue 4.
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
fault_rss_below 50
exit 0
