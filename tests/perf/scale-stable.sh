#!/bin/sh
# scale-stable.sh: does `bench scale` give the same answer twice? Three
# sweeps of `-w 1,2,4` over CPU-bound command units (a ~0.1 s shell busy
# loop, repeat: 4) and three over `sleep 0.2`, printing each sweep's
# recommendation, its reason and the per-user loss at each level. Target
# (issue 12): the three CPU-bound sweeps agree and never exceed the cores;
# the sleep sweeps lose about 0% per user. Run it on a quiet machine. Not
# a test: it asserts nothing.
#   usage: tests/perf/scale-stable.sh [BENCH]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=${1:-${BENCH:-$top/build/bench}}
case $BENCH in /*) ;; *) BENCH=$(pwd)/$BENCH ;; esac
[ -x "$BENCH" ] || { echo "no bench at $BENCH (build first)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

# job NAME COMMAND-JSON: a job of one test case repeated 4 times
job() {
	cat <<JOB
benchmarkingjob:
  name: $1
  workspace: ./ws
  repeat: 4
  testenv: {dataset: {}, metrics: []}
  test_object:
    type: algorithms
    algorithms:
      - name: $1
        algorithm:
          paradigm_type: singletasklearning
          modules:
            - {type: basemodel, name: $1, command: $2}
JOB
}

job busy '["sh", "-c", "i=0; while [ $i -lt 60000 ]; do i=$((i+1)); done"]' >busy.yaml
job nap '["sleep", "0.2"]' >nap.yaml
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for j in busy nap; do
	for s in 1 2 3; do
		"$BENCH" scale -f $j.yaml -w 1,2,4 --budget 5 --max-runs 8 \
		    --format json --db $j$s.db >$j$s.json 2>/dev/null || true
		printf '%s sweep %d: recommended %s (%s); loss%% at 1,2,4: %s\n' \
		    $j $s \
		    "$(sqlite3 :memory: "SELECT json_extract(readfile('$j$s.json'), '\$.recommended')")" \
		    "$(sqlite3 :memory: "SELECT json_extract(readfile('$j$s.json'), '\$.reason')")" \
		    "$(sqlite3 :memory: "SELECT group_concat(printf('%.1f', json_extract(value, '\$.per_user_loss_pct')), ', ') FROM json_each(readfile('$j$s.json'), '\$.levels')")"
	done
done
