#!/bin/bash
# t-cluster: the Slurm launcher's parts against a real one-node Slurm on
# localhost, brought up by up.sh in a temporary directory and stopped by
# down.sh. Checks: records of a built-in unit come back on srun's stdout and
# equal a local worker's; `bench worker --exec` gives one record stream for a
# command unit (ok, exit status, signal); the classification of real srun
# ends (refused, cancelled, node failure); the shared-workspace check; a
# killed srun leaves its job, which scancel by name removes from squeue.
#
# Run by `make check-slurm` (BENCH, SRUNARGV, top_srcdir set). Needs root
# (exit 77 otherwise). If the cluster cannot start, exits 1 with its logs:
# it never skips silently.
set -u
me=t-cluster
if [ "$(id -u)" != 0 ]; then
	echo "$me: not root: skipped (slurmd must run as root)"
	exit 77
fi
: "${BENCH:?set BENCH to the bench binary}"
: "${SRUNARGV:?set SRUNARGV to tests/helper/srunargv}"
: "${top_srcdir:?set top_srcdir}"
here=$top_srcdir/tests/slurm
export BENCH

T=$(mktemp -d /tmp/bench-slurm.XXXXXX)
chmod 755 "$T"	# munged wants o+x on every directory above its socket
D=$T/cluster
nfail=0
up=0

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; nfail=$((nfail + 1)); }
# show a file on failure
show() { echo "---- $1"; sed 's/^/    /' "$1"; }

cleanup() {
	if [ $up = 1 ]; then
		t0=$(now)
		if "$here/down.sh" "$D"; then
			echo "# down.sh: $(secs "$t0" "$(now)") s"
		else
			echo "FAIL - down.sh left something behind"
			nfail=$((nfail + 1))
		fi
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

# srun argv for a unit from the launcher's builder, into the array AV
argv_for() {
	mapfile -t AV < <("$SRUNARGV" "$@") || return 1
	[ ${#AV[@]} -gt 0 ]
}

# ---- cluster up (fails loudly) ------------------------------------------------
t0=$(now)
if ! "$here/up.sh" "$D" >"$T/up.out" 2>"$T/up.err"; then
	echo "$me: FAIL - the Slurm cluster did not start" >&2
	cat "$T/up.err" >&2
	nfail=1
	exit 1
fi
up=1
echo "# up.sh: $(secs "$t0" "$(now)") s"
eval "$(cat "$T/up.out")"
[ -n "${SLURM_CONF:-}" ] || { bad "up.sh printed no SLURM_CONF"; exit 1; }
NODE=$(hostname -s)
if out=$(timeout 60 srun -n1 hostname 2>&1) && [ "$out" = "$NODE" ]; then
	ok "srun -n1 hostname: $out"
else
	bad "srun -n1 hostname: $out"
	exit 1
fi

WS=$T/ws
mkdir -p "$WS/work"
cd "$WS" || exit 1

# ---- srun overhead --------------------------------------------------------------
t0=$(now)
for _ in $(seq 20); do timeout 60 srun --quiet -n1 true || bad "srun true"; done
echo "# 20 sequential srun true: $(secs "$t0" "$(now)") s"

# ---- a built-in unit: records through srun's stdout -------------------------------
wargs=(worker --url builtin:gemm --testcase gemm --unit u0001 --seed 42
    --params '{"n":96,"block":16}' --workspace "$WS/work/u0001")
t0=$(now)
"$BENCH" "${wargs[@]}" --status-fd 1 >"$T/local.out" 2>"$T/local.err"
rc=$?
echo "# gemm unit, local bench worker: $(secs "$t0" "$(now)") s"
[ $rc = 0 ] && ok "local worker rc 0" || { bad "local worker rc $rc"; show "$T/local.err"; }

argv_for -r 1 -u u0001 -c 1 -m 256 -t 60 -- "$BENCH" "${wargs[@]}" \
    --status-fd 1 || bad "srunargv"
echo "# ${AV[*]}"
t0=$(now)
timeout 120 "${AV[@]}" >"$T/srun.out" 2>"$T/srun.err"
rc=$?
echo "# gemm unit through srun: $(secs "$t0" "$(now)") s (rc $rc)"
if [ $rc = 0 ] && grep -q '^{"t":"start","pid":[0-9]*,"host":"'"$NODE"'"}$' "$T/srun.out" &&
    grep -q '^{"t":"metric"' "$T/srun.out" &&
    tail -n1 "$T/srun.out" | grep -q '^{"t":"end","status":"ok"}$'; then
	ok "gemm through srun: start (host $NODE), metrics and end ok on stdout"
else
	bad "gemm through srun (rc $rc)"
	show "$T/srun.out"
	show "$T/srun.err"
fi
if grep -qv '^{"t":' "$T/srun.out"; then
	bad "srun stdout holds something other than records"
	show "$T/srun.out"
fi
# the non-timing metrics must equal the local worker's
grep '"t":"metric"' "$T/local.out" | grep -v '"timing":true' >"$T/local.m"
grep '"t":"metric"' "$T/srun.out" | grep -v '"timing":true' >"$T/srun.m"
if [ -s "$T/local.m" ] && cmp -s "$T/local.m" "$T/srun.m"; then
	ok "gemm metrics through srun equal the local run's ($(wc -l <"$T/local.m") metrics)"
else
	bad "gemm metrics differ"
	show "$T/local.m"
	show "$T/srun.m"
fi

# ---- a command unit through bench worker --exec -----------------------------------
# (one line: srunargv prints one argument per line)
cmd=(sh -c 'echo to-stdout; echo to-stderr >&2; printf "{\"t\":\"metric\",\"name\":\"seed\",\"value\":%s}\n" "$BENCH_SEED" >&"$BENCH_STATUS_FD"; exit "${CMD_EXIT:-0}"')
argv_for -r 1 -u u0002 -e -- "${cmd[@]}" || bad "srunargv -e"
BENCH_SEED=7 timeout 60 "${AV[@]}" >"$T/cmd.out" 2>"$T/cmd.err"
rc=$?
if [ $rc = 0 ] &&
    [ "$(sed -n 2p "$T/cmd.out")" = '{"t":"metric","name":"seed","value":7}' ] &&
    sed -n 3p "$T/cmd.out" | grep -q '^{"t":"usage","cpu_user_s":' &&
    [ "$(sed -n 4p "$T/cmd.out")" = '{"t":"end","status":"ok"}' ] &&
    [ "$(wc -l <"$T/cmd.out")" = 4 ] &&
    grep -qx to-stdout "$T/cmd.err" && grep -qx to-stderr "$T/cmd.err"; then
	ok "command unit via --exec: its record, its usage, end ok; its output on stderr"
else
	bad "command unit via --exec (rc $rc)"
	show "$T/cmd.out"
	show "$T/cmd.err"
fi

CMD_EXIT=3 timeout 60 "${AV[@]}" >"$T/cmd3.out" 2>"$T/cmd3.err"
rc=$?
k=$("$SRUNARGV" -K $((rc << 8)) <"$T/cmd3.err")
if [ $rc = 3 ] && [ "$k" = "unit 768" ] &&
    tail -n1 "$T/cmd3.out" | grep -qx '{"t":"end","status":"failed","error":"exit status 3"}'; then
	ok "command exit 3: srun rc 3, end failed 'exit status 3', classified '$k'"
else
	bad "command exit 3: rc $rc, classified '$k'"
	show "$T/cmd3.out"
	show "$T/cmd3.err"
fi

argv_for -r 1 -u u0003 -e -- sh -c 'kill -SEGV $$' || bad "srunargv -e"
timeout 60 "${AV[@]}" >"$T/segv.out" 2>"$T/segv.err"
rc=$?
k=$("$SRUNARGV" -K $((rc << 8)) <"$T/segv.err")
if [ $rc = 139 ] && [ "$k" = "unit 11" ] &&
    tail -n1 "$T/segv.out" | grep -q '"status":"failed","error":"killed by signal 11'; then
	ok "command SIGSEGV: srun rc 139, classified '$k' (signal 11)"
else
	bad "command SIGSEGV: rc $rc, classified '$k'"
	show "$T/segv.out"
	show "$T/segv.err"
fi

argv_for -r 1 -u u0004 -e -- /nonexistent/prog || bad "srunargv -e"
timeout 60 "${AV[@]}" >"$T/noexec.out" 2>"$T/noexec.err"
rc=$?
if [ $rc = 127 ] && tail -n1 "$T/noexec.out" |
    grep -q "cannot run '/nonexistent/prog': No such file"; then
	ok "command that cannot be exec'd: rc 127, end failed with the reason"
else
	bad "command that cannot be exec'd: rc $rc"
	show "$T/noexec.out"
	show "$T/noexec.err"
fi

# ---- ends caused by Slurm ------------------------------------------------------------
argv_for -r 1 -u u0005 -c 100000 -- true || bad "srunargv"
timeout 60 "${AV[@]}" >/dev/null 2>"$T/refused.err"
rc=$?
k=$("$SRUNARGV" -K $((rc << 8)) <"$T/refused.err")
if [ $rc = 1 ] && [ "${k%% *}" = refused ]; then
	ok "100000 CPUs: refused at once ($(head -n1 "$T/refused.err"))"
else
	bad "100000 CPUs: rc $rc, classified '$k'"
	show "$T/refused.err"
fi

# scancel by name while srun waits: srun ends, classified cancelled
argv_for -r 1 -u u0006 -- sleep 300 || bad "srunargv"
"${AV[@]}" >/dev/null 2>"$T/cancel.err" &
pid=$!
for _ in $(seq 100); do
	[ -n "$("$SRUNARGV" -L bench-1-u0006)" ] && break
	sleep 0.1
done
sleep 0.5
"$SRUNARGV" -C bench-1-u0006 || bad "slurm_cancel_job_name"
timeout 30 tail --pid=$pid -f /dev/null
wait $pid
rc=$?
k=$("$SRUNARGV" -K $((rc << 8)) <"$T/cancel.err")
if [ "${k%% *}" = cancelled ]; then
	ok "scancel --name: srun rc $rc, classified '$k'"
else
	bad "scancel --name: srun rc $rc, classified '$k'"
	show "$T/cancel.err"
fi

# a killed srun leaves its job; cancel by name clears squeue
argv_for -r 1 -u u0007 -- sleep 300 || bad "srunargv"
"${AV[@]}" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do
	[ -n "$("$SRUNARGV" -L bench-1-u0007)" ] && break
	sleep 0.1
done
sleep 0.5
kill -KILL $pid
wait $pid 2>/dev/null
sleep 0.5
ids=$("$SRUNARGV" -L bench-1-u0007)
echo "# after SIGKILL to srun, squeue -n bench-1-u0007: ${ids:-nothing}"
t0=$(now)
"$SRUNARGV" -C bench-1-u0007 || bad "slurm_cancel_job_name"
for _ in $(seq 150); do
	[ -z "$("$SRUNARGV" -L bench-1-u0007)" ] && break
	sleep 0.1
done
left=$(squeue -h -n bench-1-u0007)
if [ -z "$left" ]; then
	ok "killed srun: job gone from squeue $(secs "$t0" "$(now)") s after scancel --name"
else
	bad "killed srun: still in squeue after scancel: $left"
fi

# ---- shared workspace ---------------------------------------------------------------
if "$SRUNARGV" -S "$WS"; then
	ok "slurm_check_shared $WS"
else
	bad "slurm_check_shared $WS"
fi
if msg=$("$SRUNARGV" -S "$T/no-such-dir" 2>&1); then
	bad "slurm_check_shared accepted a missing directory"
else
	ok "slurm_check_shared refuses a missing directory: $msg"
fi

# ---- node failure: srun exits 0, classified node_fail --------------------------------
argv_for -r 1 -u u0008 -- sleep 300 || bad "srunargv"
"${AV[@]}" >/dev/null 2>"$T/nodefail.err" &
pid=$!
for _ in $(seq 100); do
	[ -n "$("$SRUNARGV" -L bench-1-u0008)" ] && break
	sleep 0.1
done
sleep 0.5
scontrol update nodename="$NODE" state=down reason=bench-t-cluster
timeout 30 tail --pid=$pid -f /dev/null
wait $pid
rc=$?
k=$("$SRUNARGV" -K $((rc << 8)) <"$T/nodefail.err")
if [ "${k%% *}" = node_fail ]; then
	ok "node set down: srun rc $rc, classified '$k'"
else
	bad "node set down: srun rc $rc, classified '$k'"
	show "$T/nodefail.err"
fi
scontrol update nodename="$NODE" state=resume >/dev/null 2>&1
for _ in $(seq 100); do
	[ "$(sinfo -h -n "$NODE" -o %T)" = idle ] && break
	sleep 0.1
done
[ "$(sinfo -h -n "$NODE" -o %T)" = idle ] || bad "node not idle again after resume"

# ---- preemption: a job in "high" that needs every CPU cancels the unit ---------------
argv_for -r 1 -u u0009 -- sleep 300 || bad "srunargv"
"${AV[@]}" >/dev/null 2>"$T/preempt.err" &
pid=$!
for _ in $(seq 100); do
	[ -n "$("$SRUNARGV" -L bench-1-u0009)" ] && break
	sleep 0.1
done
sleep 0.5
cpus=$(sinfo -h -n "$NODE" -o %c)
timeout 60 srun --quiet -p high -c "$cpus" true || bad "srun -p high -c $cpus"
timeout 30 tail --pid=$pid -f /dev/null
wait $pid
rc=$?
k=$("$SRUNARGV" -K $((rc << 8)) <"$T/preempt.err")
if [ "${k%% *}" = preempted ]; then
	ok "preempted by a job in partition high: srun rc $rc, classified '$k'"
else
	bad "preemption: srun rc $rc, classified '$k'"
	show "$T/preempt.err"
fi

if [ -n "$(squeue -h)" ]; then
	bad "jobs left in squeue at the end: $(squeue -h)"
fi
echo "# $me: $nfail failure(s)"
