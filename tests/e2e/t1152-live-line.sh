#!/bin/sh
# The live progress line in a narrow terminal (tmux): cut to the width, so
# it never wraps and leaves no stale lines behind it.
. "$top_srcdir/tests/helper/lib.sh"
set -e
command -v tmux >/dev/null 2>&1 || skip "tmux not installed"

ln -s "$(command -v sleep)" "$SCRATCH/zz"
job_begin live
algo slow "[\"$SCRATCH/zz\", \"4.{n}\"]" "              hyperparameters:
                - n: {values: [1, 2]}"
sock="$SCRATCH/tmux.sock"
tmux -S "$sock" new-session -d -x 30 -y 20 \
    "NO_COLOR=1 '$BENCH' -f job.yaml --parallel -w 2; echo bench-exited; sleep 30"
# wait for the live line (slow under valgrind), then look at the pane
for i in $(seq 100); do
	tmux -S "$sock" capture-pane -p >pane.txt
	grep -q 'running' pane.txt && break
	sleep 0.1
done
sleep 0.5
tmux -S "$sock" capture-pane -p >pane.txt
# let the run end before closing the terminal
for i in $(seq 300); do
	tmux -S "$sock" capture-pane -p | grep -q 'bench-exited' && break
	sleep 0.1
done
tmux -S "$sock" kill-server 2>/dev/null || true
cat pane.txt
expect_match "live line drawn" "$(cat pane.txt)" "^\[0/2\] 2 running"
expect_eq "one live line, no wrapped leftovers" \
    "$(grep -c 'running\|elapsed\|eta' pane.txt)" 1
no_leftovers "$SCRATCH/zz 2"
exit 0
