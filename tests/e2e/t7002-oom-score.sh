#!/bin/sh
# bench protects itself from the OOM killer: while a unit runs, bench's own
# oom_score_adj is -500 where it may lower it (CAP_SYS_RESOURCE), and the unit's is
# +500 (written in the child before exec), so the kernel takes a unit, not
# the controller. The resources event says which.
. "$top_srcdir/tests/helper/lib.sh"
set -e

[ -r /proc/self/oom_score_adj ] || skip "no /proc/self/oom_score_adj"
here=$PWD
job_begin oom
# the unit reads its own value and its parent's: bench
algo probe "[sh, -c, 'cat /proc/self/oom_score_adj >$here/unit.adj; cat /proc/\$PPID/oom_score_adj >$here/bench.adj; cat /proc/\$PPID/comm >$here/bench.comm']"
run_bench 0 -f job.yaml
DB=ws/bench.db
expect_eq "the parent is bench" "$(cat bench.comm)" bench
expect_eq "unit's oom_score_adj" "$(cat unit.adj)" 500
ev=$(sql $DB "SELECT detail FROM events WHERE kind='resources'")
# may this process lower its oom_score_adj (CAP_SYS_RESOURCE)? A root
# shell in a container often may not.
if (echo -1 >/proc/self/oom_score_adj) 2>/dev/null; then
	expect_eq "bench's oom_score_adj" "$(cat bench.adj)" -500
	expect_match "resources event" "$ev" "bench's oom_score_adj -500, units' \+500"
else
	expect_eq "bench's oom_score_adj" "$(cat bench.adj)" "$(cat /proc/self/oom_score_adj)"
	expect_match "resources event" "$ev" "bench's oom_score_adj unchanged \(lowering it is not permitted"
fi
exit 0
