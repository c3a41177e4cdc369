#!/bin/sh
# scale.sh: how bench's costs grow with the size of a job. For each size N
# (SIZES, default "1000 10000 100000") a job of N units of
# `command: ["true", "{i}"]` (a grid of N values, one test case each) is listed
# with `bench list -u` and run with `-w 2 --sample 0`; it prints the list
# time, the run's wall time, the time per unit, the controller's peak RSS
# and the database bytes per unit. Targets (issue 14): list of 100k < 3 s,
# per-unit time at 100k within 1.3x of the smallest size, RSS <= ~40 MB.
# Not a test: it asserts nothing.
#   usage: tests/perf/scale.sh [BENCH]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=${1:-${BENCH:-$top/build/bench}}
case $BENCH in /*) ;; *) BENCH=$(pwd)/$BENCH ;; esac
SIZES=${SIZES:-"1000 10000 100000"}
[ -x "$BENCH" ] || { echo "no bench at $BENCH (build first)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

# job N: a grid of N test cases of one unit each
job() {
	cat <<JOB
benchmarkingjob:
  name: scale$1
  workspace: ./ws$1
  testenv: {dataset: {}, metrics: []}
  test_object:
    type: algorithms
    algorithms:
      - name: t
        algorithm:
          paradigm_type: singletasklearning
          modules:
            - type: basemodel
              name: t
              command: ["true", "{i}"]
              hyperparameters:
                - i: {values: [$(seq -s ', ' 1 "$1")]}
JOB
}

now() { date +%s.%N; }
printf '%-8s %10s %10s %12s %10s %12s\n' units list_s run_s per_unit_ms rss_mb db_bytes/unit
for n in $SIZES; do
	job "$n" >job$n.yaml
	t0=$(now)
	"$BENCH" list -f job$n.yaml -u >/dev/null
	t1=$(now)
	l=$(echo "$t1 - $t0" | bc -l)
	t0=$(now)
	/usr/bin/time -v -o time$n.txt "$BENCH" -f job$n.yaml --parallel -w 2 \
	    -q --sample 0 >/dev/null 2>err$n.txt
	t1=$(now)
	r=$(echo "$t1 - $t0" | bc -l)
	rss=$(awk '/Maximum resident set size/{print $6}' time$n.txt)
	ok=$(sqlite3 ws$n/bench.db "SELECT count(*) FROM units WHERE status='ok'")
	[ "$ok" -eq "$n" ] || { echo "bench recorded $ok ok units of $n" >&2; cat err$n.txt >&2; exit 1; }
	bytes=$(stat -c %s ws$n/bench.db)
	printf '%-8s %10.2f %10.2f %12.3f %10.1f %12.0f\n' "$n" "$l" "$r" \
	    "$(echo "$r * 1000 / $n" | bc -l)" "$(echo "$rss / 1024" | bc -l)" \
	    "$(echo "$bytes / $n" | bc -l)"
done
