#!/bin/sh
# make install puts bash and zsh completion where bash-completion and zsh
# look; the bash one loads, completes subcommands, options and job files,
# and both know every subcommand and every option a --help lists.
. "$top_srcdir/tests/helper/lib.sh"
set -e
command -v bash >/dev/null || skip "bash not installed"

dest="$SCRATCH/dest"
make -s -C "$top_builddir" install DESTDIR="$dest" >make.txt 2>&1 ||
	{ cat make.txt; fail "make install DESTDIR=... failed"; }
datadir=$(sed -n 's/^datarootdir = //p' "$top_builddir/Makefile")
prefix=$(sed -n 's/^prefix = //p' "$top_builddir/Makefile")
datadir=$(printf '%s' "$datadir" | sed "s|\${prefix}|$prefix|")
bashc="$dest$datadir/bash-completion/completions/bench"
zshc="$dest$datadir/zsh/site-functions/_bench"
[ -f "$bashc" ] || fail "no bash completion at $bashc"
[ -f "$zshc" ] || fail "no zsh completion at $zshc"
head -1 "$zshc" | grep -q '^#compdef bench$' || fail "zsh: no #compdef line"

# complete WORDS...: what bash completes for the last word
mkdir jobs && : >jobs/a.yaml && : >jobs/b.txt && mkdir jobs/sub
complete() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
	    _bench; printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' \
	    sh "$bashc" "$@"
}
expect_eq "complete -p" "$(bash -c ". '$bashc'; complete -p bench")" \
	"complete -F _bench bench"
expect_eq "subcommands" "$(complete bench r)" "report run runs "
expect_eq "options of runs" "$(complete bench runs --f)" "--file --format "
expect_eq "report formats" "$(complete bench report --format '')" \
	"csv html json junit md term "
expect_eq "-f: yaml files and directories" "$(complete bench -f jobs/)" \
	"jobs/a.yaml jobs/sub "

# every subcommand and every option of its --help is in both files
run_bench 0 --help
cmds=$(sed -n '/^commands:/,/^$/p' out.txt | awk 'NF > 1 {print $1}')
missing=
for c in $cmds; do
	grep -q "$c" "$bashc" || missing="$missing bash:$c"
	grep -q "'$c:" "$zshc" || missing="$missing zsh:$c"
	run_bench 0 $c --help
	for o in $(grep -o -- '--[a-z][a-z-]*' out.txt | sort -u); do
		grep -q -- "$o\\b" "$bashc" || missing="$missing bash:$c:$o"
		grep -q -- "$o\\b" "$zshc" || missing="$missing zsh:$c:$o"
	done
done
[ -z "$missing" ] || fail "not in the completion:$missing"
exit 0
