#!/bin/sh
# cgroup v2 in a container whose own group holds processes: per-unit
# memory groups must go below bench's own group, inside the container's
# limit, never at the hierarchy's root. The no-internal-processes rule
# forbids enabling the memory controller for children of a group that
# holds processes, so bench first moves the group's processes into a
# child "leaf", as systemd does, then makes bench.PID/UNIT groups. Needs
# cgroup v2 with its memory controller offered (skips on v1 hosts).
. "$top_srcdir/tests/helper/lib.sh"
set -e
. "$top_srcdir/tests/helper/memcg.sh"
memcg_make $((1024 * 1024 * 1024)) v2
memcg_box inbox.sh "$BENCH"
# another process of the container shares bench's group
memcg_box sleeper.sh "$(command -v sleep)"
./sleeper.sh 120 &
sleeper=$!

cat >leaf.yaml <<'JOB'
benchmarkingjob:
  name: leaf
  workspace: ./ws
  resources: {ram: 64M}
  testenv: {dataset: {}, metrics: []}
  test_object:
    type: algorithms
    algorithms:
      - name: where
        algorithm:
          paradigm_type: singletasklearning
          modules:
            - type: basemodel
              name: where
              command: ["cat", "/proc/self/cgroup"]
JOB
BENCH="$SCRATCH/inbox.sh" run_bench 0 -f leaf.yaml --parallel -w 1
kill $sleeper 2>/dev/null || :
DB=ws/bench.db
expect_match "caps by v2" "$(sql $DB "SELECT detail FROM events WHERE kind='resources'")" \
	"memory caps by (cgroup )?v2"
log=$(sql $DB "SELECT log_path FROM units")
# the unit's group, relative to the hierarchy's root
unit=$(sed -n 's/^0:://p' "$log" | head -n1)
rel=${CG#$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)}
case $unit in
"$rel"/bench.*/*) ;;
*) fail "the unit ran in '$unit', not below bench's group $rel" ;;
esac
[ -d "$CG/leaf" ] || fail "no leaf group made in $CG"
echo "# unit in $unit; leaf: $CG/leaf" >&2
exit 0
