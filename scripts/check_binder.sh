#!/usr/bin/env bash
# Check the Binder setup as far as a machine without Binder can: build a fresh
# virtual environment from binder/ alone (runtime.txt's Python, requirements.txt,
# then postBuild), and run every chapter notebook in it.
#
# One difference from Binder: where PyTorch's CPU index (download.pytorch.org) is
# out of reach, the same torch==2.13.0+cpu is taken from pip's other sources
# (PyPI, or a local wheel); set BINDER_KEEP_INDEX=1 to insist on the index.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

want=$(sed -n 's/^python-\([0-9.]*\).*/\1/p' binder/runtime.txt)
have=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
[ "$want" = "$have" ] || echo "note: binder/runtime.txt asks for Python $want; checking with $have"

python3 -m venv "$work/venv"
requirements=binder/requirements.txt
if [ -z "${BINDER_KEEP_INDEX:-}" ] && ! python3 -c 'import urllib.request; urllib.request.urlopen("https://download.pytorch.org/whl/cpu/", timeout=5)' 2>/dev/null; then
  echo "download.pytorch.org is out of reach: installing torch==2.13.0+cpu from pip's other sources"
  grep -v -- '--extra-index-url' binder/requirements.txt > "$work/requirements.txt"
  requirements="$work/requirements.txt"
fi
"$work/venv/bin/python" -m pip install --quiet -r "$requirements"
PATH="$work/venv/bin:$PATH" bash binder/postBuild
"$work/venv/bin/python" -m pip install --quiet nbmake==1.5.5   # the test runner, not part of Binder's image
"$work/venv/bin/python" -c 'import torch; print("torch", torch.__version__, "cuda" if torch.cuda.is_available() else "cpu")'
"$work/venv/bin/python" -m pytest --nbmake chapters -p no:cacheprovider -o addopts="" -o filterwarnings=""
