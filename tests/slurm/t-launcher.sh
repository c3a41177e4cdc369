#!/bin/bash
# t-launcher: `bench run --launcher slurm` against a real one-node Slurm on
# localhost (up.sh / down.sh). Checks: the quickstart and jointinference
# examples give the same metrics through srun as locally (`bench diff`);
# every unit's host is stored; a unit whose node goes down (scontrol) is
# classified node_fail and retried under `retries`; a unit whose job is
# scancel'd ends failed "slurm cancelled"; a unit timeout cancels its job;
# Ctrl-C (SIGINT to bench) ends the run interrupted with no job in squeue;
# a failed workspace check (srun cannot reach the cluster) is an
# environment error (exit 3).
#
# Run by `make check-slurm` (BENCH, top_srcdir set). Needs root (exit 77
# otherwise). If the cluster cannot start, exits 1 with its logs: it never
# skips silently.
set -u
me=t-launcher
if [ "$(id -u)" != 0 ]; then
	echo "$me: not root: skipped (slurmd must run as root)"
	exit 77
fi
: "${BENCH:?set BENCH to the bench binary}"
: "${top_srcdir:?set top_srcdir}"
here=$top_srcdir/tests/slurm
ex=$(cd "$top_srcdir/examples" && pwd -P)

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

# ---- cluster up (fails loudly) ------------------------------------------------
if ! SLURM_CI_CPUS=${SLURM_CI_CPUS:-64} "$here/up.sh" "$D" >"$T/up.out" \
    2>"$T/up.err"; then
	echo "$me: FAIL - the Slurm cluster did not start" >&2
	cat "$T/up.err" >&2
	nfail=1
	exit 1
fi
up=1
eval "$(cat "$T/up.out")"
[ -n "${SLURM_CONF:-}" ] || { bad "up.sh printed no SLURM_CONF"; exit 1; }
NODE=$(hostname -s)

WS=$T/ws
mkdir -p "$WS" && chmod 755 "$WS" && cd "$WS" || exit 1
DB=$WS/workspace/bench.db

# run_both NAME JOB: the job locally then through srun; bench diff must agree
run_both() {
	local name=$1 job=$2 a b rc
	timeout 120 "$BENCH" -f "$job" -w 4 -q >"$T/$name-local.out" 2>&1
	rc=$?
	a=$(sql "$DB" "SELECT max(id) FROM runs")
	[ $rc = 0 ] || { bad "$name local: exit $rc"; show "$T/$name-local.out"; }
	timeout 120 "$BENCH" -f "$job" -w 4 -q --launcher slurm \
	    >"$T/$name-slurm.out" 2>&1
	rc=$?
	b=$(sql "$DB" "SELECT max(id) FROM runs")
	if [ $rc != 0 ] || [ "$a" = "$b" ]; then
		bad "$name --launcher slurm: exit $rc"
		show "$T/$name-slurm.out"
		return
	fi
	if "$BENCH" diff --db "$DB" "$a" "$b" >"$T/$name-diff.out" 2>&1; then
		ok "$name: local run $a and slurm run $b identical ($(tail -n1 "$T/$name-diff.out" | sed 's/.*: //'))"
	else
		bad "$name: bench diff $a $b"
		show "$T/$name-diff.out"
	fi
	[ "$(sql "$DB" "SELECT launcher FROM runs WHERE id = $b")" = slurm ] ||
		bad "$name: runs.launcher of run $b is not slurm"
	n=$(sql "$DB" "SELECT count(*) FROM units WHERE run_id = $b")
	h=$(sql "$DB" "SELECT count(*) FROM units WHERE run_id = $b AND host = '$NODE'")
	if [ "$n" -gt 0 ] && [ "$n" = "$h" ]; then
		ok "$name: host '$NODE' stored for all $n slurm units"
	else
		bad "$name: host stored for $h of $n units"
	fi
	j=$(grep -c "Name=bench-$b-" "$D/log/jobcomp.txt")
	[ "$j" -ge "$n" ] || bad "$name: $j Slurm jobs named bench-$b-*, want $n"
}
run_both quickstart "$ex/quickstart.yaml"
run_both jointinference "$ex/jointinference.yaml"

# ---- resources are the unit's, not srun's ----------------------------------------
mkdir -p "$WS/hog"
cat >"$WS/hog/job.yaml" <<YAML
benchmarkingjob:
  name: hog
  workspace: $WS/workspace
  testenv: {dataset: {}, metrics: []}
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
                - mib: {values: [96]}
                - seconds: {values: [0.8]}
YAML
if timeout 120 "$BENCH" -f "$WS/hog/job.yaml" --launcher slurm -q \
    --sample 0.1 >"$T/hog.out" 2>&1; then
	r=$(sql "$DB" "SELECT max(id) FROM runs")
	kb=$(sql "$DB" "SELECT maxrss_kb FROM units WHERE run_id=$r")
	if [ "${kb:-0}" -ge $((96 * 1024)) ]; then
		ok "peak RSS of a slurm unit is the unit's: $kb KiB for 96 MiB"
	else
		bad "peak RSS of a slurm unit: $kb KiB, want >= $((96 * 1024))"
	fi
	# samples taken by bench worker on the node
	ns=$(sql "$DB" "SELECT count(*) || ' ' || coalesce(max(s.rss_kb), 0) FROM samples s JOIN units u ON u.id = s.unit_id WHERE u.run_id = $r")
	if [ "${ns%% *}" -ge 3 ] && [ "${ns#* }" -ge $((96 * 1024)) ]; then
		ok "samples of a slurm unit, taken on the node: ${ns%% *} rows, peak ${ns#* } KiB"
	else
		bad "samples of a slurm unit: '$ns' (rows, peak KiB)"
	fi
else
	bad "memhog through slurm failed: $(tail -n 3 "$T/hog.out")"
fi

# ---- a unit no node can hold: refused at start with the reason ---------------
mkdir -p "$WS/big"
cat >"$WS/big/job.yaml" <<YAML
benchmarkingjob:
  name: big
  workspace: $WS/workspace
  resources: {cpus: 1000}
  testenv: {dataset: {}, metrics: []}
  test_object:
    type: algorithms
    algorithms:
      - name: big
        algorithm:
          paradigm_type: singletasklearning
          modules:
            - {type: basemodel, name: big, command: [sleep, "0"]}
YAML
cpus=$(sinfo -h -N -o %c | sort -n | tail -n1)
timeout 60 "$BENCH" -f "$WS/big/job.yaml" --launcher slurm -q >"$T/big.out" 2>&1
rc=$?
r=$(sql "$DB" "SELECT max(id) FROM runs")
st=$(sql "$DB" "SELECT status || ': ' || error FROM units WHERE run_id = $r")
if [ $rc = 1 ] && [ "$st" = "failed: no node has 1000 CPUs (largest: $cpus)" ] &&
    [ -z "$(squeue -h)" ]; then
	ok "a unit asking 1000 CPUs: refused at start ($st)"
else
	bad "a unit asking 1000 CPUs: exit $rc, '$st'"
	show "$T/big.out"
fi

# ---- a job of sleeping command units --------------------------------------------
mkdir -p "$WS/nap"
cat >"$WS/nap/job.yaml" <<YAML
benchmarkingjob:
  name: nap
  workspace: $WS/workspace
  testenv: ./testenv.yaml
  retries: 2
  test_object:
    type: algorithms
    algorithms:
      - name: nap
        url: ./nap.yaml
YAML
printf 'testenv:\n  metrics:\n    - name: x\n' >"$WS/nap/testenv.yaml"
# nap_job SECONDS...: the nap test case sleeps each of these
nap_job() {
	local v
	v=$(printf '%s, ' "$@")
	cat >"$WS/nap/nap.yaml" <<YAML
algorithm:
  paradigm_type: singletasklearning
  modules:
    - type: basemodel
      name: nap
      command: [sleep, "{seconds}"]
      hyperparameters:
        - seconds:
            values: [${v%, }]
YAML
}
# wait_running N: until squeue shows N running jobs of units (10 s at
# most; the workspace check's srun does not count)
wait_running() {
	local i
	for i in $(seq 100); do
		[ "$(squeue -h -t R -o %j | grep -c '^bench-[0-9]*-u')" -ge "$1" ] &&
		    return 0
		sleep 0.1
	done
	return 1
}
last_run() { sql "$DB" "SELECT max(id) FROM runs"; }

# ---- node failure: classified and retried --------------------------------------
nap_job 3
"$BENCH" -f "$WS/nap/job.yaml" --launcher slurm -q >"$T/nodefail.out" 2>&1 &
pid=$!
wait_running 1 || bad "node failure: the unit never ran"
scontrol update nodename="$NODE" state=down reason=bench-t-launcher
sleep 1
scontrol update nodename="$NODE" state=resume >/dev/null 2>&1
timeout 60 tail --pid=$pid -f /dev/null
wait $pid
rc=$?
r=$(last_run)
ev=$(sql "$DB" "SELECT detail FROM events WHERE run_id = $r AND kind = 'retry'")
st=$(sql "$DB" "SELECT status || ' ' || attempts FROM units WHERE run_id = $r")
if [ $rc = 0 ] && [ "$st" = "ok 2" ] && echo "$ev" | grep -q "slurm node_fail"; then
	ok "node set down: retried ($ev), then ok"
else
	bad "node failure: exit $rc, unit '$st', retry event '$ev'"
	show "$T/nodefail.out"
fi
for i in $(seq 100); do
	[ "$(sinfo -h -n "$NODE" -o %T)" = idle ] && break
	sleep 0.1
done

# ---- scancel of a unit's job: failed, classified cancelled ----------------------
nap_job 4 4.5
"$BENCH" -f "$WS/nap/job.yaml" --launcher slurm -w 2 -q >"$T/scancel.out" 2>&1 &
pid=$!
wait_running 2 || bad "scancel: the units never ran"
r=$(last_run)
scancel --name="bench-$r-u0001"
timeout 60 tail --pid=$pid -f /dev/null
wait $pid
rc=$?
st=$(sql "$DB" "SELECT group_concat(status || ':' || coalesce(error, ''), '|') FROM units WHERE run_id = $r ORDER BY id")
case "$st" in
"ok:|failed:slurm cancelled: "*)
	ok "scancel of a unit's job: exit $rc, '$st'" ;;
*)
	bad "scancel: exit $rc, units '$st'"
	show "$T/scancel.out" ;;
esac
[ $rc = 1 ] || bad "scancel: bench exit $rc, want 1"

# ---- timeout: the job is cancelled ------------------------------------------------
nap_job 30
"$BENCH" -f "$WS/nap/job.yaml" --launcher slurm --timeout 1 --grace 1 -q \
    >"$T/timeout.out" 2>&1
rc=$?
r=$(last_run)
st=$(sql "$DB" "SELECT status FROM units WHERE run_id = $r")
left=$(squeue -h)
if [ $rc = 1 ] && [ "$st" = timeout ] && [ -z "$left" ]; then
	ok "timeout: unit timeout, no job left in squeue"
else
	bad "timeout: exit $rc, unit '$st', squeue '$left'"
	show "$T/timeout.out"
fi

# ---- Ctrl-C: interrupted, nothing left in squeue -----------------------------------
nap_job 30 31 32 33
"$BENCH" -f "$WS/nap/job.yaml" --launcher slurm -w 3 -q >"$T/int.out" 2>&1 &
pid=$!
wait_running 3 || bad "Ctrl-C: the units never ran"
kill -INT $pid
timeout 60 tail --pid=$pid -f /dev/null
wait $pid
rc=$?
r=$(last_run)
left=$(squeue -h)
rs=$(sql "$DB" "SELECT status FROM runs WHERE id = $r")
ni=$(sql "$DB" "SELECT count(*) FROM units WHERE run_id = $r AND status = 'interrupted'")
if [ $rc = 130 ] && [ "$rs" = interrupted ] && [ "$ni" = 3 ] && [ -z "$left" ]; then
	ok "Ctrl-C: exit 130, run interrupted, 3 units interrupted, squeue empty"
else
	bad "Ctrl-C: exit $rc, run '$rs', $ni interrupted, squeue '$left'"
	show "$T/int.out"
fi

# ---- the workspace check fails: an environment error (exit 3) ------------------------
# On one node every path is shared: an srun whose `test -d DIR -a -w DIR`
# fails stands for a node that does not see the workspace.
mkdir -p "$T/fakebin"
printf '#!/bin/sh\nexit 1\n' >"$T/fakebin/srun"
chmod 755 "$T/fakebin/srun"
nap_job 0
PATH=$T/fakebin:$PATH "$BENCH" -f "$WS/nap/job.yaml" --launcher slurm -q \
    >"$T/check.out" 2>&1
rc=$?
if [ $rc = 3 ] && grep -q "launcher slurm: .*every node shares" "$T/check.out"; then
	ok "workspace not seen by the node: exit 3 ($(grep -m1 "launcher slurm" "$T/check.out"))"
else
	bad "workspace check: exit $rc"
	show "$T/check.out"
fi

if [ -n "$(squeue -h)" ]; then
	bad "jobs left in squeue at the end: $(squeue -h)"
fi
echo "# $me: $nfail failure(s)"
