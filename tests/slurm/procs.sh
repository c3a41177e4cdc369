# procs.sh: sourced by down.sh and node.sh. Finds this cluster's processes
# by PID and open files, never by name alone.

# our_stepds DIR [NODE]: the slurmstepds of the cluster in DIR (of NODE
# only when given). slurmstepd rewrites its environment (process title),
# but keeps its node's log, DIR/log/slurmd-NODE.log, open.
our_stepds() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(cat "$p/comm" 2>/dev/null)" = slurmstepd ] || continue
		find "$p/fd" -lname "$1/log/slurmd-${2:-*}.log" 2>/dev/null |
		    grep -q . && echo "${p#/proc/}"
	done
	return 0
}

# descendants PID...: these PIDs and every process below them
descendants() {
	ps -e -o pid=,ppid= | awk -v roots="$*" '
	    BEGIN { n = split(roots, r, " "); for (i = 1; i <= n; i++) want[r[i]] = 1 }
	    { pp[$1] = $2 }
	    END {
		do {
			more = 0
			for (p in pp)
				if (!(p in want) && (pp[p] in want)) { want[p] = 1; more = 1 }
		} while (more)
		for (p in want) if (p in pp) print p
	    }'
}

# kill_trees PID...: SIGSTOP them (nothing forks or reaps meanwhile), then
# SIGKILL them and every process below them
kill_trees() {
	local all
	[ $# -gt 0 ] || return 0
	kill -STOP "$@" 2>/dev/null
	all=$(descendants "$@")
	# shellcheck disable=SC2086
	[ -z "$all" ] || kill -KILL $all 2>/dev/null
	return 0
}
