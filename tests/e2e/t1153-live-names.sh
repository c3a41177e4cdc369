#!/bin/sh
# The live progress line names the running units (test case and unit id,
# oldest first), as many as fit the terminal's width, then "...".
. "$top_srcdir/tests/helper/lib.sh"
set -e
command -v tmux >/dev/null 2>&1 || skip "tmux not installed"

ln -s "$(command -v sleep)" "$SCRATCH/zz"
job_begin live
algo slow "[\"$SCRATCH/zz\", \"4.{n}\"]" "              hyperparameters:
                - n: {values: [1, 2, 3]}"

# live WIDTH: run the job in a WIDTH-column terminal; the live line once
# all three units run, in line.txt
live() {
	sock="$SCRATCH/tmux-$1.sock"
	rm -rf ws
	tmux -S "$sock" new-session -d -x "$1" -y 20 \
	    "NO_COLOR=1 '$BENCH' -f job.yaml --parallel -w 3; echo bench-exited; sleep 30"
	for i in $(seq 100); do
		tmux -S "$sock" capture-pane -p >pane.txt
		grep -q '3 running' pane.txt && break
		sleep 0.1
	done
	grep '3 running' pane.txt >line.txt || true
	for i in $(seq 300); do
		tmux -S "$sock" capture-pane -p | grep -q 'bench-exited' && break
		sleep 0.1
	done
	tmux -S "$sock" kill-server 2>/dev/null || true
	cat line.txt
}

live 120
expect_match "all three named" "$(cat line.txt)" \
    '^\[0/3\] 3 running: slow\[n=1\] u0000, slow\[n=2\] u0001, slow\[n=3\] u0002 \| 0 failed \| [0-9.:s]+ \| eta \?$'
live 70
expect_match "as many as fit" "$(cat line.txt)" \
    '^\[0/3\] 3 running: slow\[n=1\] u0000 \.\.\. \| 0 failed \| '
[ "$(awk '{ print length($0) }' line.txt)" -lt 70 ] || fail "line not cut"
no_leftovers "$SCRATCH/zz 4"
exit 0
