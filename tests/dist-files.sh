#!/bin/sh
# make dist ships every file git tracks, and nothing from the build tree:
# compares `git ls-files` with what `make distdir` copies. A tracked file
# the tarball lacks fails (list it in Makefile.am, or run
# scripts/dist-list.sh for the data directories); so does a .log, .trs or
# object file in the tarball (a directory listed in EXTRA_DIST that the
# build tree also has). Skips outside a git checkout (a tarball).
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
# files git tracks that the tarball does not need
not_shipped='.gitignore'

src=$(cd "$top_srcdir" && pwd -P)
top=$(git -C "$src" rev-parse --show-toplevel 2>/dev/null || true)
if [ -z "$top" ] || [ "$(cd "$top" && pwd -P)" != "$src" ]; then
	echo "dist-files: $top_srcdir is not a git checkout's top; skipped"
	exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dist-files.XXXXXX")
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
${MAKE:-make} -s -C "$top_builddir" distdir distdir="$tmp/d" >"$tmp/out" 2>&1 || {
	cat "$tmp/out"
	echo "dist-files: make distdir failed"
	exit 1
}
git -C "$src" ls-files | LC_ALL=C sort >"$tmp/tracked"
(cd "$tmp/d" && find . -type f | sed 's|^\./||') | LC_ALL=C sort >"$tmp/shipped"
status=0
LC_ALL=C comm -23 "$tmp/tracked" "$tmp/shipped" >"$tmp/missing"
for f in $not_shipped; do
	grep -vxF "$f" "$tmp/missing" >"$tmp/m2" || true
	mv "$tmp/m2" "$tmp/missing"
done
if [ -s "$tmp/missing" ]; then
	echo "dist-files: tracked but not in make dist (add to Makefile.am, or run scripts/dist-list.sh):"
	sed 's/^/  /' "$tmp/missing"
	status=1
fi
grep -E '\.(log|trs|o|a|so|db)$' "$tmp/shipped" >"$tmp/junk" || true
if [ -s "$tmp/junk" ]; then
	echo "dist-files: build-tree files in make dist (list files, not directories):"
	sed 's/^/  /' "$tmp/junk"
	status=1
fi
[ "$status" -eq 0 ] && echo "dist-files: $(wc -l <"$tmp/shipped") files shipped, every tracked file among them"
exit "$status"
