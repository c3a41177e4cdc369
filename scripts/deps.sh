#!/bin/sh
# Install the Debian packages bench needs to build and test, when missing
# (python3-numpy and python3-torch: the Python/Ianvs tests and
# examples/cellseg-torch.yaml; those tests skip without them).
set -eu
pkgs="autoconf automake make gcc pkg-config libyaml-dev libsqlite3-dev
libjansson-dev libhwloc-dev libcmocka-dev sqlite3 procps
python3 python3-numpy python3-torch"
missing=
for p in $pkgs; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "bench needs:$missing (run as root, or: sudo apt-get install -y$missing)" >&2
	exit 1
fi
echo "installing:$missing"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
