#!/usr/bin/env bash
# The page of `jose-harness serve` in a real browser: builds the binary,
# starts `serve --port 0`, reads the URL it prints, and drives the page in
# headless Chromium (scripts/browser/check-serve.mjs): a passing and a
# failing vector of each profile pasted with their keys (banner, finding,
# confirmed cause, the fix in the chosen language), a batch, the same batch
# and its keys dropped as files (PEM and binary DER), the 403s for a
# request without the access token or from a foreign Origin, no console
# error and no request beyond 127.0.0.1. Then stops the server with Ctrl-C
# (SIGINT), which must exit 0. Saves OUT_DIR/screenshot.png.
#
#   scripts/serve-browser-test.sh            OUT_DIR is target/serve
#   scripts/serve-browser-test.sh OUT_DIR
#   scripts/serve-browser-test.sh --help     this text
#
# Installs what it needs when missing, as scripts/browser-test.sh does
# (Debian's chromium, the pinned puppeteer-core). CHROMIUM=/path overrides
# the browser. Exit 0 when the page works, 1 when it does not, 2 when the
# test could not run.
set -euo pipefail
case "${1:-}" in
  -h|--help) sed -n '2,/^set -/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
if [[ $# -gt 0 && $1 != /* ]]; then
  set -- "$PWD/$1" "${@:2}"
fi
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '==> %s\n' "$*"; }
die() { printf 'serve browser test: %s\n' "$*" >&2; exit 2; }

out_dir=${1:-target/serve}
mkdir -p "$out_dir"

# shellcheck source=scripts/browser/prepare.sh
source scripts/browser/prepare.sh

step "building jose-harness"
bin=$(cargo build --quiet -p jose-harness --features full --bin jose-harness --message-format json |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const l of s.split("\n")){try{const m=JSON.parse(l);if(m.reason==="compiler-artifact"&&m.target.name==="jose-harness"&&m.executable){console.log(m.executable)}}catch{}}})')
[[ -x $bin ]] || die "cargo built no jose-harness binary"

log=$out_dir/serve.log
step "starting jose-harness serve --port 0"
"$bin" serve --port 0 >"$log" 2>&1 &
server=$!
stop_server() {
  if kill -0 "$server" 2>/dev/null; then kill "$server" 2>/dev/null || true; fi
}
trap stop_server EXIT

url=
for _ in $(seq 1 100); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/?token=[0-9a-f]*' "$log" | head -n 1 || true)
  [[ -n $url ]] && break
  kill -0 "$server" 2>/dev/null || { cat "$log" >&2; die "serve ended before printing its URL"; }
  sleep 0.1
done
[[ -n $url ]] || { cat "$log" >&2; die "serve printed no URL within 10 s"; }
echo "serving at ${url%%\?*}"

step "driving the page in headless chromium"
status=0
CHROMIUM=$chromium node scripts/browser/check-serve.mjs "$url" "$out_dir" || status=$?

step "stopping the server with Ctrl-C (SIGINT)"
kill -INT "$server"
stopped=0
wait "$server" || stopped=$?
trap - EXIT
if [[ $stopped -ne 0 ]]; then
  cat "$log" >&2
  echo "serve browser test: serve exited $stopped on SIGINT, not 0" >&2
  exit 1
fi
grep -q 'stopped' "$log" || { echo "serve browser test: serve said nothing when it stopped" >&2; exit 1; }
echo "serve: exit 0 on SIGINT"
exit "$status"
