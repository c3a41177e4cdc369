# pyfind.sh: sourced by the Python e2e tests. py_with MODULE...: set PY to
# the first interpreter (python3 on PATH, then /usr/bin/python3) that
# imports every MODULE; skip (exit 77) naming what is missing otherwise.
py_with() {
	for cand in python3 /usr/bin/python3; do
		command -v "$cand" >/dev/null 2>&1 || continue
		if "$cand" -c "import $(echo "$@" | tr ' ' ',')" 2>/dev/null; then
			PY=$(command -v "$cand")
			return 0
		fi
	done
	skip "no python3 with $* (scripts/deps.sh installs python3-$1)"
}
