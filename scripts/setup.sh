#!/bin/sh
# Fresh Debian 12, as root: install what is missing, build bench in ./build,
# and run the example job in parallel into workspace/bench.db.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
[ -x configure ] || ./autogen.sh
mkdir -p build
cd build
[ -f Makefile ] || ../configure -q
make -j"$(nproc)" >/dev/null
cd ..
exec ./build/bench -f examples/quickstart.yaml --parallel -w 2
