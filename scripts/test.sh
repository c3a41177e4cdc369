#!/bin/sh
# Build bench in ./build (warnings are errors) and run the whole test suite:
# cmocka unit tests and end-to-end tests. Extra configure flags and the
# build directory can be given: BUILD=build-asan CONFIGURE_FLAGS=--enable-sanitizers
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
sh scripts/deps.sh
./autogen.sh >/dev/null 2>&1 || ./autogen.sh
build=${BUILD:-build}
mkdir -p "$build"
cd "$build"
"$top/configure" -q --enable-werror ${CONFIGURE_FLAGS:-}
make -j"$(nproc)" >/dev/null
if ! make -j"$(nproc)" check; then
	cat test-suite.log
	exit 1
fi
