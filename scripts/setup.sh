#!/bin/sh
# Fresh Debian 12, as root: install what is missing, build bench in ./build,
# train the PyTorch example's U-Net once (examples/cellseg-torch.yaml; ~15 s,
# skipped without torch), and run the example job in parallel into
# workspace/bench.db.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
[ -x configure ] || ./autogen.sh
mkdir -p build
cd build
[ -f Makefile ] || ../configure -q
make -j"$(nproc)" >/dev/null
cd ..
if /usr/bin/python3 -c 'import torch, numpy' 2>/dev/null; then
	/usr/bin/python3 examples/cellseg_torch/train.py \
	    --out workspace/cellseg-torch/unet.pt
fi
exec ./build/bench -f examples/quickstart.yaml --parallel -w 2
