#!/bin/bash
# down.sh DIR: stop the cluster up.sh DIR started. Never kills by name.
# 1. cancel every job of this throw-away cluster and wait until the queue is
#    empty (slurmstepd outlives slurmd, so jobs must end first);
# 2. SIGTERM the recorded PIDs (slurmd, slurmctld, munged) together, wait for
#    each, SIGKILL after 15 s;
# 3. check that none of them, and no slurmstepd, is left.
# Exits 1 when something had to be killed or is still there. DIR is kept.
D=${1:?usage: down.sh DIR}
me=down.sh
[ -f "$D/pids" ] || { echo "$me: no $D/pids" >&2; exit 1; }
export SLURM_CONF=$D/slurm.conf
rc=0
if [ -f "$SLURM_CONF" ] && timeout 10 squeue -h >/dev/null 2>&1; then
	ids=$(squeue -h -o %A 2>/dev/null)
	# shellcheck disable=SC2086
	[ -z "$ids" ] || scancel $ids
	for _ in $(seq 300); do
		[ -z "$(squeue -h -o %A 2>/dev/null)" ] && break
		sleep 0.1
	done
	left=$(squeue -h 2>/dev/null)
	if [ -n "$left" ]; then
		echo "$me: jobs still listed after 30s:" >&2
		echo "$left" >&2
		rc=1
	fi
fi
D=$(cd "$D" && pwd -P)
. "$(dirname "$0")/procs.sh"
# a step whose node was set down retries its completion message for a long
# time and keeps slurmd from stopping, and a killed node's (node.sh kill)
# outlive it: give steps 10 s, then SIGKILL them and their tasks by PID (a
# warning, not a failure: the job is already gone)
for _ in $(seq 100); do [ -z "$(our_stepds "$D")" ] && break; sleep 0.1; done
for p in $(our_stepds "$D"); do
	echo "$me: slurmstepd $p ($(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)) still there after 10s; SIGKILL" >&2
	kill_trees "$p"
done
# signalled together: ~2 s in all instead of ~2 s each
while read -r name pid; do
	kill -0 "$pid" 2>/dev/null && kill -TERM "$pid"
done < <(tac "$D/pids")
while read -r name pid; do
	for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$pid" 2>/dev/null; then
		echo "$me: $name ($pid) did not stop; SIGKILL" >&2
		kill -KILL "$pid"
		rc=1
	fi
done < <(tac "$D/pids")
# nothing of ours may be left: the daemons by PID, and any slurmstepd whose
# command line names this cluster's spool or conf
sleep 0.1
while read -r name pid; do
	if kill -0 "$pid" 2>/dev/null; then
		echo "$me: $name ($pid) still running" >&2
		rc=1
	fi
done <"$D/pids"
for p in $(our_stepds "$D"); do
	echo "$me: slurmstepd $p of this cluster is left" >&2
	rc=1
done
[ $rc != 0 ] || : >"$D/pids"
exit $rc
