# tests/faults/lib.sh: shared by the fault-injection tests (tests/faults/).
# Each test runs one misbehaving unit (tests/helper/fakeworker MODE) beside
# three good ones, in parallel with two workers, and checks that bench keeps
# going: the faulty unit's status and error, the others ok, no process of
# the run left, the database consistent, and bench's own memory bounded.
. "$top_srcdir/tests/helper/lib.sh"

FW="$top_builddir/tests/helper/fakeworker"
[ -x "$FW" ] || { echo "fakeworker not found at $FW" >&2; exit 99; }
# in every unit's argv, so that leftovers can be found with pgrep -f
MARK="fwmark-$TEST_NAME-$$"
DB=ws/bench.db
# how long bench may take before the test calls it hung
: "${FAULT_TIMEOUT:=120}"

# fault_begin NAME [JOB_SETTINGS]: start job.yaml with good1 and good2.
fault_begin() {
	job_begin "$1" "${2:-}"
	fault_unit good1 ok
	fault_unit good2 ok
}

# fault_unit NAME MODE [N]: a unit running the fakeworker.
fault_unit() {
	algo "$1" "[\"$FW\", \"$2\", \"${3:--}\", \"$MARK\"]"
}

# fault_end: the last good unit, so that a good unit starts after the fault.
fault_end() {
	fault_unit good3 ok
}

# fault_run EXPECTED_EXIT ARGS...: run bench under a time limit (and under
# /usr/bin/time -v when there is one, for its peak RSS); output in
# out.txt/err.txt, wall seconds in $RUN_SECONDS.
fault_run() {
	want=$1
	shift
	if [ -x /usr/bin/time ]; then
		set -- /usr/bin/time -v -o time.txt "$BENCH" "$@"
	else
		set -- "$BENCH" "$@"
	fi
	t0=$(date +%s)
	set +e
	timeout -k 5 "$FAULT_TIMEOUT" "$@" >out.txt 2>err.txt
	got=$?
	set -e
	RUN_SECONDS=$(($(date +%s) - t0))
	if [ "$got" -eq 124 ] || [ "$got" -eq 137 ]; then
		cat err.txt >&2
		pkill -KILL -f -- "$MARK" 2>/dev/null || true
		fail "bench hung: killed after ${FAULT_TIMEOUT}s"
	fi
	if [ "$got" -ne "$want" ]; then
		echo "--- stdout" >&2; cat out.txt >&2
		echo "--- stderr" >&2; cat err.txt >&2
		fail "bench: exit $got, want $want"
	fi
}

# unit_field NAME COLUMN: one column of a unit's row.
unit_field() {
	sql $DB "SELECT coalesce($2, '') FROM units WHERE testcase='$1'"
}

# fault_check NAME STATUS [ERROR_REGEX]: the faulty unit ended STATUS with
# a matching error, every good unit ok, nothing left running, database ok.
fault_check() {
	expect_eq "$1 status" "$(unit_field "$1" status)" "$2"
	if [ -n "${3:-}" ]; then
		expect_match "$1 error" "$(unit_field "$1" error)" "$3"
	fi
	expect_eq "good units ok" \
	    "$(sql $DB "SELECT count(*) FROM units WHERE testcase LIKE 'good%' AND status='ok' AND error IS NULL")" 3
	expect_eq "good metrics" \
	    "$(sql $DB "SELECT count(*) FROM metrics m JOIN units u ON u.id=m.unit_id WHERE u.testcase LIKE 'good%' AND m.name='fw' AND m.value=42")" 3
	expect_eq "every unit finished" \
	    "$(sql $DB "SELECT count(*) FROM units WHERE finished_at IS NULL")" 0
	no_leftovers "$MARK"
	integrity $DB
}

# fault_metric NAME: the faulty unit's fw metric made it to the database.
fault_metric() {
	expect_eq "$1 metric" \
	    "$(sql $DB "SELECT m.value FROM metrics m JOIN units u ON u.id=m.unit_id WHERE u.testcase='$1' AND m.name='fw'")" 42.0
}

# fault_rss_below MIB: bench's own peak RSS stayed under MIB MiB. Not
# checked for a sanitizer build, whose allocator keeps freed memory.
fault_rss_below() {
	[ -f time.txt ] || return 0
	grep -q -a __asan_init "$BENCH" 2>/dev/null && return 0
	rss=$(awk -F': ' '/Maximum resident set size/{print $2}' time.txt)
	[ -n "$rss" ] || return 0
	[ "$rss" -lt $(($1 * 1024)) ] ||
	    fail "bench peak RSS ${rss} KiB, want under $1 MiB"
}

# fault_log NAME: the faulty unit's log file path.
fault_log() {
	unit_field "$1" log_path
}
