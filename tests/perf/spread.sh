#!/bin/sh
# spread.sh: how far can bench's own figures be trusted on this machine?
# The same job (3 CPU-bound command test cases of about 0.05, 0.1 and
# 0.2 s, repeat: 5, warmup: 1) is run RUNS times (default 10) serially
# (-w 1) and RUNS times in parallel (-w 2), alternating, into one
# database. For each mode and test case it prints:
#   mean_s       the mean of the RUNS runs' mean wall_s
#   run_cv%      how much a run's mean moves from run to run (sigma of
#                the means / their mean)
#   ci+-%        the median half-width of one run's 95% interval, in
#                percent of its mean (what bench shows for one run)
#   covers       in how many runs that interval held the mean of all runs
#   compare      `bench compare` of each run with the next (RUNS-1 pairs,
#                same job, nothing changed): how many said faster,
#                slower, no change. Any "faster"/"slower" is a false
#                alarm at the default 5% threshold.
# Not a test: it asserts nothing. Quote its figures with the machine.
#   usage: tests/perf/spread.sh [BENCH] [RUNS]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=${1:-${BENCH:-$top/build/bench}}
RUNS=${2:-10}
case $BENCH in /*) ;; *) BENCH=$(pwd)/$BENCH ;; esac
[ -x "$BENCH" ] || { echo "no bench at $BENCH (build first)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

cat >job.yaml <<'JOB'
benchmarkingjob:
  name: spread
  workspace: ./ws
  repeat: 5
  warmup: 1
  testenv: {dataset: {}, metrics: []}
  test_object:
    type: algorithms
    algorithms:
      - name: busy
        algorithm:
          paradigm_type: singletasklearning
          modules:
            - type: basemodel
              name: busy
              command: ["sh", "-c", "i=0; while [ $i -lt {n} ]; do i=$((i+1)); done"]
              hyperparameters:
                - n: {values: [50000, 100000, 200000]}
JOB

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg) at the start"
r=1
while [ $r -le "$RUNS" ]; do
	for w in 1 2; do
		"$BENCH" -f job.yaml --parallel -w $w --db w$w.db \
		    --label "spread=$r" >/dev/null 2>&1 ||
			echo "run $r at -w $w: bench exited $?" >&2
	done
	r=$((r + 1))
done
echo "load $(cut -d' ' -f1-3 /proc/loadavg) at the end; $RUNS runs per mode"

# every run's statistics from `bench compare` of it with the next: the
# pair's "a" (and the last pair's "b") are the runs' own figures
for w in 1 2; do
	r=1
	: >stats$w.txt
	while [ $r -lt "$RUNS" ]; do
		"$BENCH" compare --db w$w.db $r $((r + 1)) --format json \
		    >c$w-$r.json 2>/dev/null || :
		sqlite3 -separator '|' :memory: "SELECT json_extract(value, '\$.testcase'), json_extract(value, '\$.a.mean'), json_extract(value, '\$.a.lo'), json_extract(value, '\$.a.hi'), json_extract(value, '\$.verdict') FROM json_each(readfile('c$w-$r.json'), '\$.items') WHERE json_extract(value, '\$.metric') = 'wall_s'" >>stats$w.txt
		if [ $((r + 1)) -eq "$RUNS" ]; then
			sqlite3 -separator '|' :memory: "SELECT json_extract(value, '\$.testcase'), json_extract(value, '\$.b.mean'), json_extract(value, '\$.b.lo'), json_extract(value, '\$.b.hi'), '-' FROM json_each(readfile('c$w-$r.json'), '\$.items') WHERE json_extract(value, '\$.metric') = 'wall_s'" >>stats$w.txt
		fi
		r=$((r + 1))
	done
done

printf '%-5s %-16s %8s %7s %6s %7s  %s\n' mode testcase mean_s run_cv% \
    'ci+-%' covers 'compare: faster/slower/no change'
for w in 1 2; do
	awk -F'|' -v mode="-w $w" '
	{ tc = $1; m[tc, ++n[tc]] = $2; lo[tc, n[tc]] = $3; hi[tc, n[tc]] = $4
	  v[tc, $5]++; if (!(tc in seen)) { seen[tc] = 1; order[++k] = tc } }
	END {
		for (j = 1; j <= k; j++) {
			tc = order[j]; s = 0
			for (i = 1; i <= n[tc]; i++) s += m[tc, i]
			mean = s / n[tc]; ss = 0; cov = 0
			for (i = 1; i <= n[tc]; i++) {
				ss += (m[tc, i] - mean) ^ 2
				hw[i] = (hi[tc, i] - lo[tc, i]) / 2 / m[tc, i] * 100
				if (lo[tc, i] <= mean && mean <= hi[tc, i]) cov++
			}
			sd = n[tc] > 1 ? sqrt(ss / (n[tc] - 1)) : 0
			# median of the half-widths (insertion sort: n is small)
			for (i = 2; i <= n[tc]; i++)
				for (x = i; x > 1 && hw[x - 1] > hw[x]; x--) {
					t = hw[x]; hw[x] = hw[x - 1]; hw[x - 1] = t
				}
			h = int(n[tc] / 2)
			med = n[tc] % 2 ? hw[h + 1] : (hw[h] + hw[h + 1]) / 2
			printf "%-5s %-16s %8.4f %7.1f %6.1f %4d/%-2d  %d/%d/%d\n",
			    mode, tc, mean, sd / mean * 100, med, cov, n[tc],
			    v[tc, "faster"], v[tc, "slower"], v[tc, "no change"]
		}
	}' stats$w.txt
done
