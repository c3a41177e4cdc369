#!/bin/bash
# up.sh DIR: bring up a throw-away single-node Slurm on localhost (munged,
# slurmctld, slurmd) without systemd or cgroups, for bench's cluster tests.
# Written from ../shared/notes/slurm-single-node.md (Debian 12, slurm 22.05).
#
# Everything lives under DIR (created): munge key and socket, slurm.conf,
# state, spool, logs, and DIR/pids ("NAME PID" per line, for down.sh).
# Installs slurm-wlm and munge with apt-get when they are missing. Prints
# "export SLURM_CONF=DIR/slurm.conf" on stdout when the node is idle; on any
# failure exits 1 with the reason and the daemons' logs on stderr (the
# daemons it started are stopped again).
#
# SLURM_CI_NODES=N (N > 1) makes N nodes, HOST1..HOSTN (HOST: hostname -s),
# in Slurm's multiple-slurmd mode: one slurmd each, all on this machine
# (NodeHostname=localhost, NodeAddr=127.0.0.1), each on its own port
# (SlurmdPort+1..N) with its own spool, pid file and log (%n). Debian 12's
# slurmd (22.05) runs so without a special build. They share every path,
# so the workspace is "shared" as on a cluster.
#
# Environment:
#   SLURM_CI_NODES        nodes (default 1: one node named hostname -s)
#   SLURM_CI_CPUS         CPUs the node claims (default nproc; more than nproc
#                         is fine and keeps concurrent jobs from queueing)
#   SLURM_CI_CTLD_PORT    slurmctld port (default 6817)
#   SLURM_CI_SLURMD_PORT  slurmd port (default 6818)
#   SLURM_CI_WAIT         seconds to wait for the node to be idle (default 60)
#   SLURM_CI_SLURMD_TIMEOUT  SlurmdTimeout: seconds before slurmctld sets a
#                         silent node DOWN (default 30; t-nodes sets 5)
#   SLURM_CI_NO_INSTALL   set: never run apt-get, fail if the tools are missing
set -euo pipefail

D=${1:?usage: up.sh DIR}
me=up.sh
[ "$(id -u)" = 0 ] || { echo "$me: must run as root (slurmd launches jobs as root)" >&2; exit 1; }

# ---- install when missing ----------------------------------------------------
need=
for t in munged mungekey slurmctld slurmd srun sinfo squeue scancel; do
	command -v "$t" >/dev/null 2>&1 || need=1
done
if [ -n "$need" ]; then
	if [ -n "${SLURM_CI_NO_INSTALL:-}" ]; then
		echo "$me: slurm/munge tools missing and SLURM_CI_NO_INSTALL is set" >&2
		exit 1
	fi
	command -v apt-get >/dev/null 2>&1 || { echo "$me: slurm is not installed and there is no apt-get" >&2; exit 1; }
	echo "$me: installing slurm-wlm and munge" >&2
	apt-get update -q >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	    slurm-wlm slurmctld slurmd slurm-client munge >&2
	for t in munged mungekey slurmctld slurmd srun sinfo squeue scancel; do
		command -v "$t" >/dev/null 2>&1 || { echo "$me: $t still missing after apt-get install" >&2; exit 1; }
	done
fi

mkdir -p "$D"/{munge,state,spool,log}
chmod 755 "$D" "$D/munge"	# munged wants the socket dir reachable by all (G6)
D=$(cd "$D" && pwd -P)
[ ! -s "$D/pids" ] || { echo "$me: $D/pids exists: a cluster may be running there (down.sh $D first)" >&2; exit 1; }
: >"$D/pids"
HOST=$(hostname -s)
NODES=${SLURM_CI_NODES:-1}
case $NODES in ''|*[!0-9]*|0) echo "$me: SLURM_CI_NODES '$NODES' is not a positive number" >&2; exit 1;; esac
if [ "$NODES" = 1 ]; then
	NAMES=$HOST
else
	NAMES=$(seq -f "$HOST%g" 1 "$NODES" | tr '\n' ' ')
fi
LIST=$(echo $NAMES | tr ' ' ,)
CPUS=${SLURM_CI_CPUS:-$(nproc)}
case $CPUS in ''|*[!0-9]*) echo "$me: SLURM_CI_CPUS '$CPUS' is not a number" >&2; exit 1;; esac
CTLD_PORT=${SLURM_CI_CTLD_PORT:-6817}
SLURMD_PORT=${SLURM_CI_SLURMD_PORT:-6818}
WAIT=${SLURM_CI_WAIT:-60}
# a killed node (node.sh kill) is set DOWN and its jobs end NODE_FAIL
# after this many seconds without an answer to slurmctld's pings
SLURMD_TIMEOUT=${SLURM_CI_SLURMD_TIMEOUT:-30}
# RealMemory must not exceed what slurmd measures, else the node is drained (G11)
MEM=$(awk '/MemTotal/{print int($2/1024*9/10)}' /proc/meminfo)

# On failure: say why, show the logs, stop what was started.
fail() {
	echo "$me: $*" >&2
	for f in "$D"/log/*; do
		[ -s "$f" ] || continue
		echo "---- $f (last 30 lines)" >&2
		tail -n 30 "$f" >&2
	done
	"$(dirname "$0")/down.sh" "$D" >&2 || true
	exit 1
}

# ---- munge: own key, own socket, root, foreground -----------------------------
# munged refuses a socket unless every directory above it is searchable by
# all (o+x): mktemp -d makes 0700 directories, so say which one
p=$D
while [ "$p" != / ]; do
	p=$(dirname "$p")
	[ "$(( $(stat -c %#a "$p") & 1 ))" = 1 ] ||
		fail "munged needs o+x on every directory above $D/munge: chmod o+x $p"
done
rm -f "$D/munge/munge.key"
mungekey --create --keyfile="$D/munge/munge.key" >/dev/null
chmod 600 "$D/munge/munge.key"
nohup munged -F \
	--key-file="$D/munge/munge.key" \
	--socket="$D/munge/munge.socket" \
	--pid-file="$D/munge/munged.pid" \
	--seed-file="$D/munge/munged.seed" \
	</dev/null >"$D/log/munged.out" 2>&1 &
echo "munged $!" >>"$D/pids"
for _ in $(seq 100); do [ -S "$D/munge/munge.socket" ] && break; sleep 0.05; done
munge -S "$D/munge/munge.socket" -n 2>>"$D/log/munged.out" |
    unmunge -S "$D/munge/munge.socket" >/dev/null 2>>"$D/log/munged.out" ||
	fail "munged does not answer on $D/munge/munge.socket"

# the NodeName lines: one node as before; several, each on its own port
node_lines() {
	local n i=0
	if [ "$NODES" = 1 ]; then
		echo "NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM State=UNKNOWN"
		return
	fi
	for n in $NAMES; do
		i=$((i + 1))
		echo "NodeName=$n NodeHostname=localhost NodeAddr=127.0.0.1 Port=$((SLURMD_PORT + i)) CPUs=$CPUS RealMemory=$MEM State=UNKNOWN"
	done
}

# ---- slurm.conf ----------------------------------------------------------------
cat >"$D/slurm.conf" <<CONF
# written by bench tests/slurm/up.sh
ClusterName=benchci
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$D/munge/munge.socket
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool/%n
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd-%n.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
MailProg=/bin/true
SlurmdParameters=config_overrides
PlugStackConfig=$D/plugstack.conf
# no cgroups, no systemd
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$D/log/jobcomp.txt
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
EnforcePartLimits=ALL
SlurmdTimeout=$SLURMD_TIMEOUT
InactiveLimit=0
KillWait=5
MinJobAge=300
MaxJobCount=100000
MaxArraySize=100001
$(node_lines)
PartitionName=debug Nodes=$LIST Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO PriorityTier=1
# a job in "high" that needs the CPUs cancels jobs of "debug" (DUE TO
# PREEMPTION): the tests use it to make Slurm end a unit
PartitionName=high Nodes=$LIST MaxTime=INFINITE State=UP OverSubscribe=NO PriorityTier=2
PreemptType=preempt/partition_prio
PreemptMode=CANCEL
CONF
: >"$D/plugstack.conf"
export SLURM_CONF="$D/slurm.conf"

# ---- daemons: foreground mode, backgrounded, so $! is the daemon itself -------
nohup slurmctld -D -f "$SLURM_CONF" </dev/null >"$D/log/slurmctld.out" 2>&1 &
echo "slurmctld $!" >>"$D/pids"
for n in $NAMES; do
	mkdir -p "$D/spool/$n"
	nohup slurmd -D -f "$SLURM_CONF" -N "$n" </dev/null \
	    >"$D/log/slurmd-$n.out" 2>&1 &
	echo "slurmd-$n $!" >>"$D/pids"
done

# ---- wait until the node is idle ------------------------------------------------
st=
for _ in $(seq $((WAIT * 10))); do
	while read -r name pid; do
		kill -0 "$pid" 2>/dev/null || fail "$name ($pid) exited during start-up"
	done <"$D/pids"
	st=$(sinfo -h -N -p debug -o %T 2>/dev/null | sort -u | tr '\n' ' ' || true)
	[ "$st" = "idle " ] && [ "$(sinfo -h -N -p debug | wc -l)" = "$NODES" ] && break
	sleep 0.1
done
[ "$st" = "idle " ] || fail "nodes $LIST are '${st:-not listed}' after ${WAIT}s, not all idle"
echo "export SLURM_CONF=$SLURM_CONF"
