#!/bin/sh
# Memory-aware scheduling: a declared need that lets only one of four units
# fit runs them one at a time; a unit over its cap ends oom, the pool
# halves, and its retry succeeds at the lower concurrency. Every decision
# is an event in the database and a line in bench's output.
. "$top_srcdir/tests/helper/lib.sh"
set -e

[ "$(id -u)" -eq 0 ] || skip "memory cgroups need root"
avail=$(awk '/MemAvailable/{print int($2 / 1024)}' /proc/meminfo)
# bench's RAM budget is 80% of MemAvailable: 60% fits once, not twice
need=$((avail * 6 / 10))
cat >fit.yaml <<JOB
benchmarkingjob:
  name: fit
  workspace: ./ws
  resources: {ram: $need}
  testenv: {dataset: {}, metrics: [touched_mib]}
  test_object:
    type: algorithms
    algorithms:
      - name: hog
        algorithm:
          paradigm_type: singletasklearning
          modules:
            - type: basemodel
              name: memhog
              url: builtin:memhog
              hyperparameters:
                - mib: {values: [8, 16, 24, 32]}
                - seconds: {values: [0.3]}
JOB
run_bench 0 -f fit.yaml --parallel -w 4 --sample 0.1
DB=ws/bench.db
# the sampler saw each unit's memory, and the peaks became profiles
expect_eq "sampled" "$(sql $DB "SELECT count(DISTINCT unit_id) FROM samples")" 4
big=$(sql $DB "SELECT max(s.rss_kb) FROM samples s JOIN units u ON u.id=s.unit_id WHERE u.testcase LIKE 'hog[mib=32%'")
[ "$big" -ge 32768 ] || fail "32 MiB unit sampled at $big KiB"
expect_eq "profiles" "$(sql $DB "SELECT count(*) FROM profiles WHERE peak_rss_kb >= 8192")" 4
expect_eq "all ok" "$(sql $DB "SELECT count(*) FROM units WHERE run_id=1 AND status='ok'")" 4
expect_eq "never two at once" "$(sql $DB "SELECT max(co_running) FROM units WHERE run_id=1")" 0
expect_eq "no overlap" "$(sql $DB "SELECT count(*) FROM units a JOIN units b ON a.id < b.id AND a.run_id=1 AND b.run_id=1 WHERE a.started_at < b.finished_at AND b.started_at < a.finished_at")" 0

# over the cap on the first attempt only: oom, pool halves, retry ok
cat >hog.sh <<'SH'
#!/bin/sh
mark="$BENCH_WORKSPACE/tried-$BENCH_UNIT"
if [ -e "$mark" ]; then mib=16; else : >"$mark"; mib=400; fi
exec "$BENCH" worker --url builtin:memhog --unit "$BENCH_UNIT" --seed 1 \
	--params "{\"mib\":$mib,\"seconds\":0.3}"
SH
chmod +x hog.sh
cat >oom.yaml <<JOB
benchmarkingjob:
  name: oom
  workspace: ./ws
  resources: {ram: 128M}
  retries: 2
  testenv: {dataset: {}, metrics: []}
  test_object:
    type: algorithms
    algorithms:
      - name: hog
        algorithm:
          paradigm_type: singletasklearning
          modules:
            - type: basemodel
              name: hog
              command: ["$SCRATCH/hog.sh", "{n}"]
              hyperparameters:
                - n: {values: [1, 2]}
JOB
BENCH="$BENCH" run_bench 0 -f oom.yaml --parallel -w 2
expect_eq "retried ok" "$(sql $DB "SELECT group_concat(status || ':' || attempts) FROM units WHERE run_id=2")" "ok:2,ok:2"
expect_eq "retries alone" "$(sql $DB "SELECT max(co_running) FROM units WHERE run_id=2")" 0
expect_match "pool halved" "$(sql $DB "SELECT detail FROM events WHERE run_id=2 AND kind='pool'")" "ended oom: 1 worker now"
expect_eq "retry events" "$(sql $DB "SELECT count(*) FROM events WHERE run_id=2 AND kind='retry'")" 2
expect_match "oom evidence" "$(sql $DB "SELECT detail FROM events WHERE run_id=2 AND kind='retry' LIMIT 1")" "OOM killer|memory cap"
expect_match "decisions on the terminal" "$(cat err.txt)" "ended oom: 1 worker now"
expect_match "accounting" "$(sql $DB "SELECT detail FROM events WHERE run_id=2 AND kind='resources'")" "memory caps by (v1|v2|RLIMIT_AS)"
integrity $DB
exit 0
