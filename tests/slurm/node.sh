#!/bin/bash
# node.sh DIR NODE kill|down|resume: fail and restore one node of the
# cluster up.sh DIR started, as a real cluster loses and regains a machine.
#
#   kill    the node dies: SIGKILL its slurmd (its PID in DIR/pids), its
#           slurmstepds (those holding DIR/log/slurmd-NODE.log open) and
#           every task under them; never by name. slurmctld notices
#           after SlurmdTimeout (up.sh: 30 s, SLURM_CI_SLURMD_TIMEOUT), sets
#           the node DOWN and ends its jobs NODE_FAIL.
#   down    the administrator's view: scontrol update state=down (the jobs
#           on the node end NODE_FAIL at once).
#   resume  restart the node's slurmd if it is not running (its PID
#           replaces the old one in DIR/pids, for down.sh), scontrol update state=resume, and wait
#           (SLURM_CI_WAIT, 60 s) until the node is idle again.
#
# Exits 1 with the reason on stderr when the node is unknown or does not
# come back.
set -euo pipefail
D=${1:?usage: node.sh DIR NODE kill|down|resume}
N=${2:?usage: node.sh DIR NODE kill|down|resume}
op=${3:?usage: node.sh DIR NODE kill|down|resume}
me=node.sh
export SLURM_CONF=$D/slurm.conf
[ -f "$D/pids" ] || { echo "$me: no $D/pids (up.sh $D first)" >&2; exit 1; }
D=$(cd "$D" && pwd -P)
pid=$(awk -v n="slurmd-$N" '$1 == n { p = $2 } END { print p }' "$D/pids")
[ -n "$pid" ] || { echo "$me: $D/pids names no slurmd-$N" >&2; exit 1; }

. "$(dirname "$0")/procs.sh"
# the slurmd (by its PID) and slurmstepds of node N
node_daemons() {
	kill -0 "$pid" 2>/dev/null && echo "$pid"
	our_stepds "$D" "$N"
}

case $op in
kill)
	roots=$(node_daemons)
	[ -n "$roots" ] || { echo "$me: no slurmd or slurmstepd of $N is running" >&2; exit 1; }
	# shellcheck disable=SC2086
	n=$(descendants $roots | wc -l)
	# shellcheck disable=SC2086
	kill_trees $roots
	for _ in $(seq 50); do
		[ -z "$(node_daemons)" ] && break
		sleep 0.1
	done
	[ -z "$(node_daemons)" ] || { echo "$me: $N: $(node_daemons) still there" >&2; exit 1; }
	echo "$me: $N killed ($n processes)" >&2
	;;
down)
	scontrol update nodename="$N" state=down reason="bench node.sh down"
	;;
resume)
	if ! kill -0 "$pid" 2>/dev/null; then
		nohup slurmd -D -f "$SLURM_CONF" -N "$N" \
		    </dev/null >>"$D/log/slurmd-$N.out" 2>&1 &
		sed -i "s/^slurmd-$N .*/slurmd-$N $!/" "$D/pids"
	fi
	st=
	for _ in $(seq $((${SLURM_CI_WAIT:-60} * 10))); do
		st=$(sinfo -h -n "$N" -o %T 2>/dev/null || true)
		case $st in
		idle|mixed|allocated) break;;
		down*|drain*|fail*)
			scontrol update nodename="$N" state=resume \
			    >/dev/null 2>&1 || true;;
		esac
		sleep 0.1
	done
	case $st in
	idle|mixed|allocated) echo "$me: $N $st" >&2;;
	*) echo "$me: $N is '$st' after ${SLURM_CI_WAIT:-60}s" >&2; exit 1;;
	esac
	;;
*)
	echo "usage: node.sh DIR NODE kill|down|resume" >&2
	exit 1
	;;
esac
