#!/bin/bash
# t-nodes: `bench --launcher slurm` on a 3-node Slurm on localhost
# (up.sh with SLURM_CI_NODES=3: Slurm's multiple-slurmd mode). Checks: a
# grid of command units with -w 12 spreads over at least 2 nodes
# (units.host), gives the local run's metrics (bench diff), and leaves
# nothing in squeue; when one node dies mid-run (node.sh kill: its slurmd,
# steps and tasks SIGKILLed), the units that were on it end node_fail and
# are retried on the others (retries: 2), every unit ends ok with the local
# run's metrics and nothing is left in squeue; Ctrl-C (SIGINT to bench)
# with units on the 3 nodes leaves nothing queued.
#
# Run by `make check-slurm` (BENCH, top_srcdir set). Needs root (exit 77
# otherwise). If the cluster cannot start, exits 1 with its logs.
set -u
me=t-nodes
if [ "$(id -u)" != 0 ]; then
	echo "$me: not root: skipped (slurmd must run as root)"
	exit 77
fi
: "${BENCH:?set BENCH to the bench binary}"
: "${top_srcdir:?set top_srcdir}"
here=$top_srcdir/tests/slurm

T=$(mktemp -d /tmp/bench-slurm.XXXXXX)
chmod 755 "$T"	# munged wants o+x on every directory above its socket
D=$T/cluster
nfail=0
up=0

ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; nfail=$((nfail + 1)); }
show() { echo "---- $1"; sed 's/^/    /' "$1"; }
sql() { sqlite3 "$1" "$2"; }

cleanup() {
	if [ $up = 1 ]; then
		"$here/down.sh" "$D" >/dev/null || {
			echo "FAIL - down.sh left something behind"
			nfail=$((nfail + 1))
		}
		up=0
	fi
	if [ $nfail = 0 ]; then
		rm -rf "$T"
	else
		echo "# kept $T for inspection"
	fi
}
trap 'cleanup; [ $nfail = 0 ] || exit 1' EXIT
trap 'exit 1' INT TERM

# SlurmdTimeout 5 s: a killed node is set DOWN after 5..15 s
if ! SLURM_CI_NODES=3 SLURM_CI_CPUS=${SLURM_CI_CPUS:-8} \
    SLURM_CI_SLURMD_TIMEOUT=${SLURM_CI_SLURMD_TIMEOUT:-5} "$here/up.sh" "$D" \
    >"$T/up.out" 2>"$T/up.err"; then
	echo "$me: FAIL - the 3-node Slurm cluster did not start" >&2
	cat "$T/up.err" >&2
	nfail=1
	exit 1
fi
up=1
eval "$(cat "$T/up.out")"
[ -n "${SLURM_CONF:-}" ] || { bad "up.sh printed no SLURM_CONF"; exit 1; }
n=$(sinfo -h -N -p debug -o %N | wc -l)
[ "$n" = 3 ] && ok "3 nodes: $(sinfo -h -N -p debug -o %N | tr '\n' ' ')" ||
	bad "sinfo lists $n nodes, want 3"

WS=$T/ws
mkdir -p "$WS/grid" && cd "$WS" || exit 1
DB=$WS/workspace/bench.db
# grid_job NAME SECONDS: 24 command units a x b that sleep SECONDS, then
# report sq = a * a + b; retries: 2
grid_job() {
	mkdir -p "$WS/$1"
	cat >"$WS/$1/job.yaml" <<YAML
benchmarkingjob:
  name: $1
  workspace: $WS/workspace
  retries: 2
  testenv: {dataset: {}, metrics: [{name: sq}]}
  test_object:
    type: algorithms
    algorithms:
      - name: sq
        algorithm:
          paradigm_type: singletasklearning
          modules:
            - type: basemodel
              name: sq
              command: [sh, -c, 'sleep $2; echo "{\"t\":\"metric\",\"name\":\"sq\",\"value\":\$((\$1 * \$1 + \$2))}" >&\$BENCH_STATUS_FD', sq, "{a}", "{b}"]
              hyperparameters:
                - a: {values: [1, 2, 3, 4, 5, 6]}
                - b: {values: [0, 1, 2, 3]}
YAML
}
grid_job grid 0.5
timeout 120 "$BENCH" -f "$WS/grid/job.yaml" -w 4 -q >"$T/local.out" 2>&1 ||
	{ bad "grid locally: exit $?"; show "$T/local.out"; }
a=$(sql "$DB" "SELECT max(id) FROM runs")
timeout 180 "$BENCH" -f "$WS/grid/job.yaml" --launcher slurm -w 12 -q \
    >"$T/slurm.out" 2>&1 || { bad "grid on 3 nodes: exit $?"; show "$T/slurm.out"; }
b=$(sql "$DB" "SELECT max(id) FROM runs")
if [ "$a" != "$b" ] && "$BENCH" diff --db "$DB" "$a" "$b" >"$T/diff.out" 2>&1; then
	ok "24 units: local run $a and 3-node run $b identical"
else
	bad "bench diff $a $b"
	show "$T/diff.out"
fi
hosts=$(sql "$DB" "SELECT count(DISTINCT host) FROM units WHERE run_id = $b")
spread=$(sql "$DB" "SELECT group_concat(host || ':' || n, ' ') FROM (SELECT host, count(*) n FROM units WHERE run_id = $b GROUP BY host)")
[ "${hosts:-0}" -ge 2 ] && ok "units spread over $hosts nodes ($spread)" ||
	bad "units on $hosts node(s) only ($spread)"
[ -z "$(squeue -h)" ] || bad "jobs left in squeue: $(squeue -h)"

# ---- profiles per node, --mem from them, node memory, resource mapping -------
# One test case, 4 units, its own database: each reports the --mem and
# --cpus-per-task srun gave it (MinMemoryNode of its job, which srun does
# not export without memory as a consumable resource, and
# SLURM_CPUS_PER_TASK).
# Run 1 has no profile: no --mem; its units' peaks are stored per node
# (profiles.host = units.host). Run 2 asks --mem = the largest peak on
# the nodes + 10%, at least 64 MiB. Then a peak larger than any node's
# RealMemory (sinfo): the units are refused at start, not queued.
MDB=$WS/mem.db
mem_job() {	# mem_job RESOURCES
	mkdir -p "$WS/mem"
	cat >"$WS/mem/job.yaml" <<YAML
benchmarkingjob:
  name: mem
  workspace: $WS/workspace
  repeat: 4
  resources: {$1}
  testenv: {dataset: {}, metrics: [{name: mem}]}
  test_object:
    type: algorithms
    algorithms:
      - name: mem
        algorithm:
          paradigm_type: singletasklearning
          modules:
            - type: basemodel
              name: mem
              command: [sh, -c, 'sleep 0.3; mem=\$(scontrol show job \$SLURM_JOB_ID | tr " " "\n" | grep ^MinMemoryNode= | tr -dc 0-9); for m in mem:\${mem:-0} cpus:\${SLURM_CPUS_PER_TASK:-0}; do echo "{\"t\":\"metric\",\"name\":\"\${m%%:*}\",\"value\":\${m#*:}}" >&\$BENCH_STATUS_FD; done']
YAML
}
# metric_set RUN NAME: the distinct values of metric NAME in RUN
metric_set() {
	sql "$MDB" "SELECT group_concat(v, ',') FROM (SELECT DISTINCT CAST(m.value AS INTEGER) v FROM metrics m JOIN units u ON u.id = m.unit_id WHERE u.run_id = $1 AND m.name = '$2' ORDER BY v)"
}
mem_job "cpus: 2"
timeout 120 "$BENCH" -f "$WS/mem/job.yaml" --db "$MDB" --launcher slurm -w 4 -q \
    >"$T/mem1.out" 2>&1 || { bad "mem run 1: exit $?"; show "$T/mem1.out"; }
r1=$(sql "$MDB" "SELECT max(id) FROM runs")
m1=$(metric_set "$r1" mem)
c1=$(metric_set "$r1" cpus)
ph=$(sql "$MDB" "SELECT group_concat(host, ' ') FROM (SELECT DISTINCT host FROM profiles ORDER BY host)")
uh=$(sql "$MDB" "SELECT group_concat(host, ' ') FROM (SELECT DISTINCT host FROM units WHERE run_id = $r1 AND status = 'ok' ORDER BY host)")
nodes=" $(sinfo -h -N -p debug -o %N | tr '\n' ' ')"
bad_host=0
for h in $ph; do
	case "$nodes" in *" $h "*) ;; *) bad_host=1 ;; esac
done
if [ "$m1" = 0 ] && [ "$c1" = 2 ] && [ -n "$ph" ] && [ "$ph" = "$uh" ] &&
    [ $bad_host = 0 ]; then
	ok "no profile: no --mem; cpus: 2 -> --cpus-per-task=2; profiles kept per node ($ph)"
else
	bad "run 1: mem '$m1' (want 0), cpus '$c1' (want 2), profiles on '$ph', units on '$uh', nodes '$nodes'"
	show "$T/mem1.out"
fi
timeout 120 "$BENCH" -f "$WS/mem/job.yaml" --db "$MDB" --launcher slurm -w 4 -q \
    >"$T/mem2.out" 2>&1 || { bad "mem run 2: exit $?"; show "$T/mem2.out"; }
r2=$(sql "$MDB" "SELECT max(id) FROM runs")
m2=$(metric_set "$r2" mem)
peak=$(sql "$MDB" "SELECT max(peak_rss_kb) FROM profiles")
want=$(awk -v k="$peak" 'BEGIN { m = k * 11 / 10240; w = int(m); if (w < m) w++; if (w < 64) w = 64; print w }')
if [ -n "$peak" ] && [ "$m2" = "$want" ]; then
	ok "with the nodes' profiles (largest peak $peak KiB): --mem=${want}M"
else
	bad "run 2: mem '$m2', want '$want' (largest peak on the nodes '$peak' KiB)"
	show "$T/mem2.out"
fi
big=$(sinfo -h -N -p debug -o %m | sort -n | tail -1)
sql "$MDB" "UPDATE profiles SET peak_rss_kb = $(( (big + 1000) * 1024 )) WHERE host = (SELECT min(host) FROM profiles)"
timeout 120 "$BENCH" -f "$WS/mem/job.yaml" --db "$MDB" --launcher slurm -w 4 -q \
    >"$T/mem3.out" 2>&1
rc=$?
r3=$(sql "$MDB" "SELECT max(id) FROM runs")
st=$(sql "$MDB" "SELECT group_concat(DISTINCT status || ': ' || error) FROM units WHERE run_id = $r3")
if [ $rc = 1 ] && expr "$st" : "failed: no node has [0-9]* MiB of memory (largest: $big MiB)\$" >/dev/null; then
	ok "a peak larger than every node's RealMemory ($big MiB): refused at start ($st)"
else
	bad "run 3: exit $rc, units '$st'"
	show "$T/mem3.out"
fi
mem_job "gpus: 1"
timeout 120 "$BENCH" -f "$WS/mem/job.yaml" --db "$WS/gpu.db" --launcher slurm -w 4 -q \
    >"$T/gpu.out" 2>&1
rc=$?
st=$(sql "$WS/gpu.db" "SELECT group_concat(DISTINCT status || ': ' || error) FROM units")
if [ $rc = 1 ] && [ "$st" = "failed: no node has 1 GPUs (largest: 0)" ]; then
	ok "gpus: 1 with no GPU node: refused at start ($st)"
else
	bad "gpus: 1: exit $rc, units '$st'"
	show "$T/gpu.out"
fi
[ -z "$(squeue -h)" ] || bad "jobs left in squeue: $(squeue -h)"

# running_on NODE: how many jobs of units run on NODE
running_on() { squeue -h -t R -w "$1" -o %j | grep -c '^bench-[0-9]*-u'; }
# wait_on NODE N: until N jobs of units run on NODE (30 s at most)
wait_on() {
	local i
	for i in $(seq 300); do
		[ "$(running_on "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
# wait_idle: until every node is idle again (60 s at most)
wait_idle() {
	local i
	for i in $(seq 600); do
		[ "$(sinfo -h -N -p debug -o %T | sort -u)" = idle ] && return 0
		sleep 0.1
	done
	return 1
}

# ---- a node dies mid-run: node_fail, retried on the others, nothing lost -----
# Slurm notices the dead slurmd after SlurmdTimeout (5 s here), sets the
# node DOWN and ends its jobs NODE_FAIL, as on a real cluster: the test
# does not set the node down itself.
VICTIM=$(sinfo -h -N -p debug -o %N | sed -n 2p)
grid_job slow 4
timeout 120 "$BENCH" -f "$WS/slow/job.yaml" -w 12 -q >"$T/slow-local.out" 2>&1 ||
	{ bad "slow grid locally: exit $?"; show "$T/slow-local.out"; }
a=$(sql "$DB" "SELECT max(id) FROM runs")
timeout 240 "$BENCH" -f "$WS/slow/job.yaml" --launcher slurm -w 12 -q \
    >"$T/kill.out" 2>&1 &
pid=$!
if wait_on "$VICTIM" 2; then
	n=$(running_on "$VICTIM")
	"$here/node.sh" "$D" "$VICTIM" kill 2>>"$T/node.out" ||
		bad "node.sh $VICTIM kill: $(cat "$T/node.out")"
else
	n=0
	bad "no unit ran on $VICTIM"
fi
wait $pid
rc=$?
b=$(sql "$DB" "SELECT max(id) FROM runs")
st=$(sql "$DB" "SELECT group_concat(status || ':' || n, ' ') FROM (SELECT status, count(*) n FROM units WHERE run_id = $b GROUP BY status)")
nf=$(sql "$DB" "SELECT count(*) FROM events WHERE run_id = $b AND kind = 'retry' AND detail LIKE '%slurm node_fail%'")
moved=$(sql "$DB" "SELECT count(*) FROM units WHERE run_id = $b AND attempts > 1 AND host <> '$VICTIM'")
back=$(sql "$DB" "SELECT count(*) FROM units WHERE run_id = $b AND attempts > 1 AND host = '$VICTIM'")
ex=$(sql "$DB" "SELECT count(*) FROM events WHERE run_id = $b AND kind = 'exclude' AND detail LIKE '%node $VICTIM failed: its retries run with --exclude=$VICTIM'")
if [ $rc = 0 ] && [ "$st" = ok:24 ] && [ "${nf:-0}" -ge 1 ] && [ "${moved:-0}" -ge 1 ] &&
    [ "${ex:-0}" = "$nf" ] && [ "$back" = 0 ]; then
	ok "$VICTIM killed with $n units on it: $nf node_fail retries, each with --exclude=$VICTIM, $moved units ended ok on other nodes, all 24 ok"
else
	bad "$VICTIM killed: exit $rc, units '$st', $nf node_fail retries, $ex with --exclude=$VICTIM, $moved moved, $back back on $VICTIM"
	show "$T/kill.out"
	sql "$DB" "SELECT id, status, attempts, host, coalesce(error, '') FROM units WHERE run_id = $b" | sed 's/^/    /'
	sql "$DB" "SELECT kind, detail FROM events WHERE run_id = $b AND kind IN ('retry', 'exclude')" | sed 's/^/    /'
fi
if "$BENCH" diff --db "$DB" "$a" "$b" >"$T/kill-diff.out" 2>&1; then
	ok "no result lost: local run $a and run $b (a node killed) identical"
else
	bad "bench diff $a $b (a node killed)"
	show "$T/kill-diff.out"
fi
[ -z "$(squeue -h)" ] && ok "squeue empty after the node failure" ||
	bad "jobs left in squeue: $(squeue -h)"
"$here/node.sh" "$D" "$VICTIM" resume 2>>"$T/node.out" ||
	bad "node.sh $VICTIM resume: $(cat "$T/node.out")"
wait_idle || bad "nodes not all idle after resume: $(sinfo -h -N -p debug -o '%N %T' | tr '\n' ' ')"

# ---- Ctrl-C with units on the 3 nodes: nothing left queued -------------------
# -w 24: Slurm fills a node before the next, so 24 units reach all three
grid_job long 60
"$BENCH" -f "$WS/long/job.yaml" --launcher slurm -w 24 -q >"$T/int.out" 2>&1 &
pid=$!
for node in $(sinfo -h -N -p debug -o %N); do
	wait_on "$node" 1 || bad "Ctrl-C: no unit ran on $node"
done
kill -INT $pid
timeout 60 tail --pid=$pid -f /dev/null
wait $pid
rc=$?
r=$(sql "$DB" "SELECT max(id) FROM runs")
rs=$(sql "$DB" "SELECT status FROM runs WHERE id = $r")
left=$(squeue -h)
if [ $rc = 130 ] && [ "$rs" = interrupted ] && [ -z "$left" ]; then
	ok "Ctrl-C on 3 nodes: exit 130, run interrupted, squeue empty"
else
	bad "Ctrl-C on 3 nodes: exit $rc, run '$rs', squeue '$left'"
	show "$T/int.out"
fi
echo "# $me: $nfail failure(s)"
