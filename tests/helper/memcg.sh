# memcg.sh: a memory cgroup for the container tests (t4004, t4008), as a
# container's limit would be. Source it after lib.sh.
#
# memcg_make LIMIT_BYTES [v2]: make a group under this shell's own memory
# group with that limit (v2 when its memory controller is offered, else
# v1; with "v2", v2 or skip). Sets CG (its directory) and KIND (v1 or
# v2). At exit whatever is left in it is killed and the group removed.
# Skips (77) without root or a memory controller.
#
# memcg_box SCRIPT PROGRAM: write SCRIPT, which joins CG and execs
# PROGRAM with its arguments: `BENCH=$SCRATCH/box.sh` runs bench as if
# started in the container.

memcg_make() {
	[ "$(id -u)" -eq 0 ] || skip "making a memory cgroup needs root"
	_v2=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
	_v1=$(awk '$9 == "cgroup" && $NF ~ /(^|,)memory(,|$)/ {print $5; exit}' \
		/proc/self/mountinfo)
	if [ -n "$_v2" ] && grep -qw memory "$_v2/cgroup.controllers" 2>/dev/null; then
		_own=$(awk -F: '$1 == "0" {print $3}' /proc/self/cgroup)
		CG="$_v2$_own/$TEST_NAME.$$"
		mkdir "$CG" 2>/dev/null || skip "cannot make a cgroup under $_v2$_own"
		echo "$1" >"$CG/memory.max" || skip "cannot set memory.max"
		echo 0 >"$CG/memory.swap.max" 2>/dev/null || :
		KIND=v2
	elif [ "${2:-}" = v2 ]; then
		skip "no cgroup v2 memory controller here (${_v2:-no cgroup2 mount}${_v1:+; memory is on v1 at $_v1})"
	elif [ -n "$_v1" ]; then
		_own=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' /proc/self/cgroup)
		CG="$_v1$_own/$TEST_NAME.$$"
		mkdir "$CG" 2>/dev/null || skip "cannot make a cgroup under $_v1$_own"
		echo "$1" >"$CG/memory.limit_in_bytes" ||
			skip "cannot set memory.limit_in_bytes"
		echo "$1" >"$CG/memory.memsw.limit_in_bytes" 2>/dev/null || :
		KIND=v1
	else
		skip "no memory cgroup controller (v1 or v2) here"
	fi
	trap 'memcg_rc=$?; memcg_drop; (exit $memcg_rc); cleanup' EXIT
}

# Kill what is left in CG (and in groups below it), then remove them all.
memcg_drop() {
	for _i in 1 2 3 4 5 6 7 8 9 10; do
		_left=$(find "$CG" -name cgroup.procs -exec cat {} + 2>/dev/null)
		[ -n "$_left" ] || break
		echo "$_left" | xargs kill -9 2>/dev/null || :
		sleep 0.2
	done
	# deepest first
	find "$CG" -depth -type d -exec rmdir {} \; 2>/dev/null || :
}

memcg_box() {
	cat >"$1" <<SH
#!/bin/sh
echo \$\$ >"$CG/cgroup.procs" || exit 99
exec "$2" "\$@"
SH
	chmod +x "$1"
}
