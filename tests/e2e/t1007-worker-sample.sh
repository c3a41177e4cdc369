#!/bin/sh
# Samples taken on the node: `bench worker --sample S` (the remote side of
# the Slurm launcher) samples its own unit, a command (--exec) or a test
# case run in the worker, and sends sample records on its record stream;
# the engine stores those of remote units in `samples` and takes their
# peak for the unit's maxrss_kb. No Slurm needed: a stand-in srun on PATH
# drops srun's options and runs the worker here.
. "$top_srcdir/tests/helper/lib.sh"
set -e

# --exec: start, samples while the command runs, usage, end
# a sleep of this test's own, so no_leftovers sees no other test's sleep
ln -s "$(command -v sleep)" "$SCRATCH/zz"
"$BENCH" worker --exec --sample 0.1 -- sh -c "'$SCRATCH/zz' 0.5" >exec.out 2>exec.err ||
	fail "bench worker --exec --sample: exit $? ($(cat exec.err))"
n=$(grep -c '^{"t":"sample","rss_kb":[0-9.]*' exec.out || true)
[ "$n" -ge 2 ] || fail "--exec --sample 0.1 over 0.5 s: $n sample records: $(cat exec.out)"
expect_match "first record" "$(head -n1 exec.out)" '^\{"t":"start","pid":[0-9]+'
expect_match "last record" "$(tail -n1 exec.out)" '^\{"t":"end","status":"ok"\}$'
expect_match "cpu_pct" "$(grep '"t":"sample"' exec.out | tail -n1)" '"cpu_pct":[0-9.]+'
# the sampler is reaped after the usage record: no process of it is left
no_leftovers "$SCRATCH/zz 0.5"

# a test case run in the worker: its own process group is sampled
"$BENCH" worker --url builtin:memhog --unit u1 --seed 1 \
    --params '{"mib":32,"seconds":0.6}' --sample 0.1 >hog.out 2>hog.err ||
	fail "bench worker --url --sample: exit $? ($(cat hog.err))"
peak=$(grep '"t":"sample"' hog.out | sed 's/.*"rss_kb":\([0-9]*\).*/\1/' | sort -n | tail -n1)
[ "${peak:-0}" -ge $((32 * 1024)) ] ||
	fail "memhog 32 MiB: peak sampled RSS ${peak:-none} KiB: $(cat hog.out)"

# bad periods are usage errors
run_bench 2 worker --exec --sample 0 -- true
expect_match "--sample 0" "$(cat err.txt)" "--sample '0': not a number of seconds"
run_bench 2 worker --exec --sample -1 -- true

# the engine stores a remote unit's samples: a stand-in srun
mkdir bin
cat >bin/srun <<'SH'
#!/bin/sh
# stand-in for srun: drop its --options, run the rest here
while [ $# -gt 0 ]; do
	case $1 in --*=*|--quiet) shift ;; *) break ;; esac
done
SLURMD_NODENAME=fakenode exec "$@"
SH
chmod +x bin/srun
# stand-in for sinfo -N: one node of 2 CPUs and 1000 MB
printf '#!/bin/sh\necho "n1 2 1000 (null)"\n' >bin/sinfo
chmod +x bin/sinfo
cat >hog.sh <<'SH'
#!/bin/sh
# hold about 20 MB in the shell for 0.6 s
x=$(head -c 20000000 /dev/zero | tr '\0' a)
sleep 0.6
[ ${#x} -gt 0 ]
SH
job_begin remote
algo hog "[sh, \"$SCRATCH/hog.sh\"]"
PATH=$SCRATCH/bin:$PATH run_bench 0 -f job.yaml --launcher slurm --sample 0.1 -q
DB=ws/bench.db
expect_eq "host from the node" "$(sql $DB "SELECT host FROM units")" fakenode
n=$(sql $DB "SELECT count(*) FROM samples")
[ "$n" -ge 2 ] || fail "remote unit: $n rows in samples, want >= 2"
expect_eq "sample times after the start" "$(sql $DB "SELECT count(*) FROM samples WHERE t <= 0 OR t > 30")" 0
rss=$(sql $DB "SELECT max(rss_kb) FROM samples")
[ "$rss" -ge $((19 * 1024)) ] || fail "remote unit: peak sampled RSS $rss KiB, want >= 19 MiB"
max=$(sql $DB "SELECT maxrss_kb FROM units")
[ "$max" -ge "$rss" ] || fail "units.maxrss_kb $max below the sampled peak $rss"

# a unit no node can hold is refused at start with the reason, not queued
job_begin toobig "  resources: {cpus: 64}"
algo nap '[true]'
PATH=$SCRATCH/bin:$PATH run_bench 1 -f job.yaml --launcher slurm -q
expect_eq "refused" "$(sql $DB "SELECT status || ': ' || error FROM units WHERE run_id = (SELECT max(id) FROM runs)")" \
    "failed: no node has 64 CPUs (largest: 2)"
expect_match "node sizes said" "$(cat err.txt out.txt)" "1 node, the largest 2 CPUs, 1000 MiB"
exit 0
