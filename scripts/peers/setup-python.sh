#!/usr/bin/env bash
# Makes the Python the Python peers need: a virtual environment in .venv at
# the workspace root (git-ignored) with the exact pins of
# scripts/peers/requirements.txt (pyca/cryptography for python-mint.py and
# python-adapter.py, jwcrypto for jwcrypto-adapter.py, PyJWT for
# pyjwt-adapter.py). tests/peers.rs looks for $JOSE_HARNESS_PYTHON, then
# .venv/bin/python, then python3.
#
#   scripts/peers/setup-python.sh                  # with python3 from PATH
#   PYTHON=python3.12 scripts/peers/setup-python.sh
#   scripts/peers/setup-python.sh --help           # this text
#
# Idempotent and quiet: when .venv already holds these pins it only says so;
# when requirements.txt changed it installs the new pins into .venv.
set -euo pipefail
case "${1:-}" in
  -h|--help) sed -n '2,/^set -/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
requirements="$root/scripts/peers/requirements.txt"
venv="$root/.venv"
venv_python="$venv/bin/python"
# Records which requirements.txt .venv was last synced with.
stamp="$venv/.jose-harness-requirements.sha256"
python="${PYTHON:-python3}"

say() { printf 'setup-python: %s\n' "$*"; }
die() {
  printf 'setup-python: %s\n' "$*" >&2
  exit 1
}

# sha256 of requirements.txt, computed by the given Python (no sha256sum
# on every system).
digest() {
  "$1" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$requirements"
}

# What the report names: the versions that will mint and judge the tokens.
versions() {
  "$venv_python" -c 'import platform, cryptography
from importlib import metadata
try:
    from cryptography.hazmat.backends.openssl import backend
    openssl = backend.openssl_version_text()
except Exception:
    openssl = "OpenSSL version unknown"
def version(name):
    try:
        return metadata.version(name)
    except Exception:
        return "missing"
print("Python", platform.python_version() + ", cryptography", cryptography.__version__ + ",", openssl + ",",
      "jwcrypto", version("jwcrypto") + ", PyJWT", version("PyJWT"))'
}

# Up to date: nothing to do.
if [ -x "$venv_python" ] && [ -f "$stamp" ] &&
  [ "$(cat "$stamp")" = "$(digest "$venv_python" 2>/dev/null)" ] &&
  "$venv_python" -c 'import cryptography, jwcrypto, jwt' 2>/dev/null; then
  say ".venv is up to date ($(versions))"
  exit 0
fi

if [ -e "$venv" ] && ! "$venv_python" -c 'import sys' >/dev/null 2>&1; then
  # A .venv whose Python no longer runs (its base Python was removed or
  # upgraded). Rebuild it only if this script made it.
  [ -f "$stamp" ] ||
    die "$venv exists but $venv_python does not run, and this script did not make it; remove it (rm -rf .venv) and run again"
  say "$venv_python no longer runs; rebuilding .venv"
  rm -rf "$venv"
fi

if [ ! -e "$venv" ]; then
  command -v "$python" >/dev/null 2>&1 ||
    die "$python not found: install Python 3.10 or later (Debian/Ubuntu: apt-get install python3 python3-venv), or set PYTHON to one"
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' ||
    die "$python is $("$python" -V 2>&1); the pins of requirements.txt need Python 3.10 or later (set PYTHON to one)"
  # Debian and Ubuntu ship venv's ensurepip in a separate package.
  "$python" -c 'import venv, ensurepip' 2>/dev/null ||
    die "$python has no venv module (or no ensurepip): install it (Debian/Ubuntu: apt-get install python3-venv)"
  "$python" -m venv "$venv" ||
    die "'$python -m venv $venv' failed (see above); on Debian/Ubuntu install python3-venv"
fi

rm -f "$stamp"
"$venv_python" -m pip install --quiet --disable-pip-version-check --no-input \
  --requirement "$requirements" ||
  die "pip could not install the pins of $requirements (offline, or a proxy?); see above"
digest "$venv_python" >"$stamp"
say ".venv ready ($(versions))"
