#!/bin/sh
# dispatch.sh: the controller's overhead. N units of `command: ["true"]`
# through bench with -w 2 (each recorded in SQLite), against the same N
# commands through `xargs -P2`, in the same script on the same machine.
# Prints both times (best of ROUNDS), the ratio, and the controller's peak
# RSS. Targets: ratio <= 1.0, RSS < 20 MB. Not a test: it asserts nothing.
#   usage: tests/perf/dispatch.sh [BENCH]    (N=2000 ROUNDS=3 by default)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=${1:-${BENCH:-$top/build/bench}}
N=${N:-2000}
ROUNDS=${ROUNDS:-3}
[ -x "$BENCH" ] || { echo "no bench at $BENCH (build first)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null 2>&1 || [ -x /usr/bin/time ] || {
	echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
cat >job.yaml <<JOB
benchmarkingjob:
  name: dispatch
  workspace: ./ws
  repeat: $N
  testenv: {dataset: {}, metrics: []}
  test_object:
    type: algorithms
    algorithms:
      - name: "true"
        algorithm:
          paradigm_type: singletasklearning
          modules:
            - {type: basemodel, name: "true", command: ["true"]}
JOB

now() { date +%s.%N; }
best_x=
best_b=
rss=
i=0
while [ $i -lt "$ROUNDS" ]; do
	t0=$(now)
	seq "$N" | xargs -P2 -n1 true
	t1=$(now)
	x=$(echo "$t1 - $t0" | bc -l)
	rm -rf ws
	t0=$(now)
	/usr/bin/time -v -o time.txt "$BENCH" -f job.yaml --parallel -w 2 -q >/dev/null 2>bench.err
	t1=$(now)
	b=$(echo "$t1 - $t0" | bc -l)
	r=$(awk '/Maximum resident set size/{print $6}' time.txt)
	ok=$(sqlite3 ws/bench.db "SELECT count(*) FROM units WHERE status='ok'")
	[ "$ok" -eq "$N" ] || { echo "bench recorded $ok ok units of $N" >&2; cat bench.err >&2; exit 1; }
	[ -z "$best_x" ] || [ "$(echo "$x < $best_x" | bc)" -eq 1 ] && best_x=$x
	[ -z "$best_b" ] || [ "$(echo "$b < $best_b" | bc)" -eq 1 ] && best_b=$b
	[ -z "$rss" ] || [ "$r" -gt "$rss" ] && rss=$r
	i=$((i + 1))
done
printf 'units:            %d (command: ["true"], -w 2 / xargs -P2), best of %d\n' "$N" "$ROUNDS"
printf 'xargs -P2:        %.3f s\n' "$best_x"
printf 'bench -w 2:       %.3f s  (every unit recorded in SQLite)\n' "$best_b"
printf 'ratio bench/xargs: %.2f  (target <= 1.0)\n' "$(echo "$best_b / $best_x" | bc -l)"
printf 'controller peak RSS: %.1f MB  (target < 20 MB)\n' "$(echo "$rss / 1024" | bc -l)"
