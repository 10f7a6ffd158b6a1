#!/usr/bin/env bash
# Installs the project's peers (scripts/peers/peers.json) into the
# project's own folders, never globally:
#   - Python: .venv at the project's root with the exact pins of
#     scripts/peers/requirements.txt (pyca/cryptography, jwcrypto, PyJWT),
#     through scripts/peers/setup-python.sh;
#   - Node: scripts/peers/node/node_modules from package-lock.json
#     (`npm ci`: exactly the locked versions).
# Then `jose-harness interop --peers` and `vectors run --peers` run them.
#
#   scripts/peers/setup.sh               # both
#   scripts/peers/setup.sh python|node   # one of them
#   scripts/peers/setup.sh --help        # this text
#
# Idempotent: an installation that matches its lock file is left alone.
set -euo pipefail
case "${1:-}" in
  -h|--help) sed -n '2,/^set -/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
node_dir="$root/scripts/peers/node"
which="${1:-all}"

say() { printf 'setup: %s\n' "$*"; }
die() {
  printf 'setup: %s\n' "$*" >&2
  exit 1
}

setup_node() {
  command -v node >/dev/null 2>&1 ||
    die "node not found: the Node peers need Node.js 20.19 or later with npm (Debian/Ubuntu: apt-get install nodejs npm, or https://nodejs.org)"
  command -v npm >/dev/null 2>&1 ||
    die "npm not found: the Node peers need npm beside node (Debian/Ubuntu: apt-get install npm)"
  # node-rsa 2 pulls in @noble/hashes 2, which needs Node 20.19.
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' ||
    die "node is $(node --version); the Node peers need Node.js 20.19 or later (node-rsa 2 needs it)"
  # npm ci rewrites node_modules; skip it when the lock file is what was
  # installed (npm keeps a copy of it as node_modules/.package-lock.json).
  if [ -f "$node_dir/node_modules/.package-lock.json" ] &&
    node -e '
      const fs = require("fs");
      const lock = JSON.parse(fs.readFileSync(process.argv[1])).packages;
      const have = JSON.parse(fs.readFileSync(process.argv[2])).packages;
      for (const [path, entry] of Object.entries(lock)) {
        if (path === "") continue;
        if (!have[path] || have[path].version !== entry.version) process.exit(1);
      }' "$node_dir/package-lock.json" "$node_dir/node_modules/.package-lock.json"; then
    say "scripts/peers/node/node_modules is up to date"
  else
    (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error) ||
      die "npm ci failed in $node_dir (offline, or a proxy?); see above"
    say "scripts/peers/node/node_modules ready"
  fi
  say "node $(node --version): $(cd "$node_dir" && node -e '
    const d = require("./package.json").dependencies;
    console.log(Object.keys(d).map((k) => k + " " + require("./node_modules/" + k + "/package.json").version).join(", "))')"
}

case "$which" in
all)
  "$root/scripts/peers/setup-python.sh"
  setup_node
  ;;
python) "$root/scripts/peers/setup-python.sh" ;;
node) setup_node ;;
*) die "usage: scripts/peers/setup.sh [all|python|node]" ;;
esac
