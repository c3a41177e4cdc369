#!/bin/sh
# The man page documents every subcommand and every long option that a
# command's --help lists.
. "$top_srcdir/tests/helper/lib.sh"
set -e

man="$top_srcdir/doc/bench.1"
run_bench 0 --help
cmds=$(sed -n '/^commands:/,/^$/p' out.txt | awk 'NF > 1 {print $1}')
[ -n "$cmds" ] || fail "no commands in bench --help"
missing=
for c in $cmds; do
	grep -q "bench $c\|^\.B $c\b\|\.BR\? \"\?bench $c" "$man" ||
	    grep -q "^\.B bench\b.*$c" "$man" || grep -qw "$c" "$man" ||
	    missing="$missing command:$c"
	run_bench 0 $c --help
	for o in $(grep -o -- '--[a-z][a-z-]*' out.txt | sort -u); do
		[ "$o" = --help ] && continue
		pat=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
		grep -q -- "$pat" "$man" || missing="$missing $c:$o"
	done
done
[ -z "$missing" ] || fail "not in doc/bench.1:$missing"
exit 0
