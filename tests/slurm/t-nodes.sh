#!/bin/bash
# t-nodes: `bench --launcher slurm` on a 3-node Slurm on localhost
# (up.sh with SLURM_CI_NODES=3: Slurm's multiple-slurmd mode). Checks: a
# grid of command units with -w 12 spreads over at least 2 nodes
# (units.host), gives the local run's metrics (bench diff), and leaves
# nothing in squeue.
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

if ! SLURM_CI_NODES=3 SLURM_CI_CPUS=${SLURM_CI_CPUS:-8} "$here/up.sh" "$D" \
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
cat >"$WS/grid/job.yaml" <<YAML
benchmarkingjob:
  name: grid
  workspace: $WS/workspace
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
              command: [sh, -c, 'sleep 0.5; echo "{\"t\":\"metric\",\"name\":\"sq\",\"value\":\$((\$1 * \$1 + \$2))}" >&\$BENCH_STATUS_FD', sq, "{a}", "{b}"]
              hyperparameters:
                - a: {values: [1, 2, 3, 4, 5, 6]}
                - b: {values: [0, 1, 2, 3]}
YAML
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
echo "# $me: $nfail failure(s)"
