# lib.sh: shared by the end-to-end tests (tests/e2e/tNNNN-*.sh).
# Each test runs in its own scratch directory with its own database, so
# `make -j check` is safe. Exit 0 pass, 1 fail, 77 skip, 99 hard error.
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${BENCH:=$top_builddir/bench}"
export BENCH top_srcdir top_builddir
[ -x "$BENCH" ] || { echo "bench binary not found at $BENCH" >&2; exit 99; }
command -v sqlite3 >/dev/null || { echo "sqlite3 not installed" >&2; exit 99; }

TEST_NAME=$(basename "$0" .sh)
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/bench-$TEST_NAME.XXXXXX")
cleanup() {
	rc=$?
	if [ "$rc" -eq 0 ] || [ "$rc" -eq 77 ]; then
		rm -rf "$SCRATCH"
	else
		echo "scratch directory kept: $SCRATCH" >&2
	fi
	exit "$rc"
}
trap cleanup EXIT
cd "$SCRATCH" || exit 99

# fail MESSAGE: report and exit 1.
fail() {
	echo "FAIL: $TEST_NAME: $*" >&2
	exit 1
}

# skip MESSAGE: report and exit 77.
skip() {
	echo "SKIP: $TEST_NAME: $*" >&2
	exit 77
}

# sql DB QUERY: one query through the sqlite3 command-line tool.
sql() {
	sqlite3 -batch -noheader "$1" "$2"
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}

# expect_match WHAT TEXT REGEX (grep -E)
expect_match() {
	printf '%s\n' "$2" | grep -Eq -- "$3" || fail "$1: '$2' does not match /$3/"
}

# run_bench EXPECTED_EXIT ARGS...: run bench, keep output in out.txt/err.txt.
run_bench() {
	want=$1
	shift
	set +e
	"$BENCH" "$@" >out.txt 2>err.txt
	got=$?
	set -e
	if [ "$got" -ne "$want" ]; then
		echo "--- stdout" >&2; cat out.txt >&2
		echo "--- stderr" >&2; cat err.txt >&2
		fail "bench $*: exit $got, want $want"
	fi
}

# integrity DB: the database must be consistent.
integrity() {
	expect_eq "integrity_check of $1" "$(sql "$1" 'PRAGMA integrity_check')" ok
}

# no_leftovers MARKER: no process whose command line has MARKER survives.
no_leftovers() {
	sleep 0.2
	if pgrep -f -- "$1" >/dev/null 2>&1; then
		pgrep -af -- "$1" >&2
		pkill -KILL -f -- "$1" 2>/dev/null
		fail "processes matching '$1' left running"
	fi
}

# job NAME WORKSPACE: start a job file job.yaml with inline algorithms that
# the test appends with `algo`.
job_begin() {
	cat >job.yaml <<JOB
benchmarkingjob:
  name: $1
  workspace: ./ws
${2:-}
  testenv:
    dataset: {}
    metrics: []
  test_object:
    type: algorithms
    algorithms:
JOB
}

# algo NAME ARGV_JSON [HYPERPARAMETERS_YAML]: an algorithm running a command.
algo() {
	cat >>job.yaml <<JOB
      - name: $1
        algorithm:
          paradigm_type: singletasklearning
          modules:
            - type: basemodel
              name: $1
              command: $2
${3:-}
JOB
}

# round WHAT LABELS: fail unless the numbers of LABELS, one a line (units
# stripped), are evenly spaced by 1, 2 or 5 x 10^k
round() {
	printf '%s\n' "$2" | sed 's/[^-0-9.e+]//g' | awk -v what="$1" '
	{ v[NR] = $1 + 0 }
	END {
		if (NR < 2) { print what ": fewer than 2 ticks"; exit 1 }
		d = v[2] - v[1]
		if (d <= 0) { print what ": ticks not increasing"; exit 1 }
		for (i = 3; i <= NR; i++)
			if ((v[i] - v[i-1] - d)^2 > (d * 1e-6)^2) {
				print what ": uneven ticks " v[i-1] ", " v[i]
				exit 1
			}
		l = log(d) / log(10) + 1e-9
		k = int(l)
		if (l < k)
			k--
		m = d / exp(k * log(10))
		if ((m - 1)^2 > 1e-9 && (m - 2)^2 > 1e-9 && (m - 5)^2 > 1e-9) {
			print what ": step " d " is not 1, 2 or 5 x 10^k"
			exit 1
		}
	}' || fail "$(printf '%s\n' "$2" | tr '\n' ' ')"
}
