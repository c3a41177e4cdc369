#!/bin/sh
# dispatch.sh: the controller's overhead. N units of `command: ["true"]`
# through bench with -w 2 (each recorded in SQLite), against two references
# in the same script on the same machine, alternated round by round:
#   floor   the same N `true` started with posix_spawn and reaped with
#           waitpid, 2 at a time, and nothing else (tests/helper/spawnfloor)
#   xargs   seq N | xargs -P2 -n1 true
# Prints the median of ROUNDS for each, bench's ratio to both, and the
# controller's peak RSS. Targets: bench/floor <= 1.25, bench/xargs <= 1.0,
# RSS < 20 MB. Not a test: it asserts nothing.
#   usage: tests/perf/dispatch.sh [BENCH]    (N=2000 ROUNDS=5 by default)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=${1:-${BENCH:-$top/build/bench}}
case $BENCH in /*) ;; *) BENCH=$(pwd)/$BENCH ;; esac
FLOOR=${FLOOR:-$(dirname "$BENCH")/tests/helper/spawnfloor}
N=${N:-2000}
ROUNDS=${ROUNDS:-5}
[ -x "$BENCH" ] || { echo "no bench at $BENCH (build first)" >&2; exit 2; }
if [ ! -x "$FLOOR" ]; then
	make -C "$(dirname "$BENCH")" tests/helper/spawnfloor >/dev/null ||
	    { echo "cannot build $FLOOR" >&2; exit 2; }
fi
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
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
# median FILE: the median of the numbers in FILE, one a line
median() { sort -n "$1" | awk '{a[NR]=$1} END{print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
: >floor.txt
: >xargs.txt
: >bench.txt
rss=0
i=0
while [ $i -lt "$ROUNDS" ]; do
	t0=$(now); "$FLOOR" "$N" 2 true; t1=$(now)
	echo "$t1 - $t0" | bc -l >>floor.txt
	t0=$(now); seq "$N" | xargs -P2 -n1 true; t1=$(now)
	echo "$t1 - $t0" | bc -l >>xargs.txt
	rm -rf ws
	t0=$(now)
	/usr/bin/time -v -o time.txt "$BENCH" -f job.yaml --parallel -w 2 -q \
	    >/dev/null 2>bench.err
	t1=$(now)
	echo "$t1 - $t0" | bc -l >>bench.txt
	r=$(awk '/Maximum resident set size/{print $6}' time.txt)
	ok=$(sqlite3 ws/bench.db "SELECT count(*) FROM units WHERE status='ok'")
	[ "$ok" -eq "$N" ] || { echo "bench recorded $ok ok units of $N" >&2; cat bench.err >&2; exit 1; }
	[ "$r" -gt "$rss" ] && rss=$r
	i=$((i + 1))
done
f=$(median floor.txt)
x=$(median xargs.txt)
b=$(median bench.txt)
printf 'units:             %d (command: ["true"], 2 at a time), median of %d alternating rounds\n' "$N" "$ROUNDS"
printf 'posix_spawn floor: %.3f s\n' "$f"
printf 'xargs -P2:         %.3f s\n' "$x"
printf 'bench -w 2:        %.3f s  (every unit recorded in SQLite)\n' "$b"
printf 'ratio bench/floor: %.2f  (target <= 1.25)\n' "$(echo "$b / $f" | bc -l)"
printf 'ratio bench/xargs: %.2f  (target <= 1.0)\n' "$(echo "$b / $x" | bc -l)"
printf 'controller peak RSS: %.1f MB  (target < 20 MB)\n' "$(echo "$rss / 1024" | bc -l)"
