#!/bin/sh
# A unit's error text with terminal escapes (clear screen, set the title,
# a carriage return faking a line) reaches the terminal escaped as \xNN;
# the database keeps it as the unit wrote it.
. "$top_srcdir/tests/helper/lib.sh"
set -e
job_begin escapes "  retries: 0"
cat >evil.sh <<'SH'
printf '%s\n' '{"t":"end","status":"failed","error":"boom\u001b[2J\u001b]0;pwned\u0007\rFAKE\u009b31m"}' >&$BENCH_STATUS_FD
exit 1
SH
algo evil "[\"sh\", \"$SCRATCH/evil.sh\"]"
run_bench 1 -f job.yaml
if LC_ALL=C grep -q "$(printf '\033')" err.txt out.txt; then
	fail "an escape character reached the terminal: $(od -c err.txt | head -20)"
fi
if LC_ALL=C grep -q "$(printf '\r')" err.txt out.txt; then
	fail "a carriage return reached the terminal"
fi
if LC_ALL=C grep -q "$(printf '\302\233')" err.txt out.txt; then
	fail "a C1 CSI reached the terminal"
fi
expect_match "escaped error" "$(cat err.txt)" 'boom\\x1b\[2J\\x1b\]0;pwned\\x07\\x0dFAKE\\x9b31m'
expect_eq "stored as written" "$(sql ws/bench.db "SELECT hex(error) FROM units")" \
    "$(printf 'boom\033[2J\033]0;pwned\007\rFAKE\302\23331m' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)"
exit 0
