#!/usr/bin/env bash
# Hostile input at each resource bound, on the release binary: the outcome
# (exit code and the finding or error), the wall time and the peak memory
# of each. tests/hostile.rs asserts the outcomes; this shows the cost.
#
#   scripts/hostile.sh
#   scripts/hostile.sh --help   this text
set -uo pipefail
case "${1:-}" in
  -h|--help) sed -n '2,/^set -/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ ! -x /usr/bin/time ]]; then
  apt-get install -y -qq time >/dev/null 2>&1 || { echo "hostile.sh: needs /usr/bin/time (Debian: apt-get install time)" >&2; exit 2; }
fi
cargo build --release --quiet -p jose-harness --features full || exit 2
# Where cargo put it: target/, or CARGO_TARGET_DIR, or the user's config.
bin=$(cargo metadata --format-version 1 --no-deps | grep -o '"target_directory":"[^"]*"' |
  sed 's/^"target_directory":"//; s/"$//')/release/jose-harness
[[ -x $bin ]] || { echo "hostile.sh: cargo built no $bin" >&2; exit 2; }
keys=vectors/keys
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work" <<'PY'
import base64, json, sys
w = sys.argv[1]
u = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
open(f"{w}/10mb", "w").write("A" * (10 << 20))
open(f"{w}/segments", "w").write(".".join(["eyJ9"] * 10000))
deep = '{"iss":"c","sub":"u","exp":1700000060,"x":' + "[" * 100000 + "0" + "]" * 100000 + "}"
open(f"{w}/deep", "w").write(u(b'{"alg":"RS256","typ":"JWT"}') + "." + u(deep.encode()) + "." + u(b"sig"))
n = bytearray(b"\xff" * 8192); n[-1] = 0xfb
open(f"{w}/65536.jwk", "w").write(json.dumps({"kty": "RSA", "n": u(bytes(n)), "e": "AQAB"}))
wide = {"iss": "c", "sub": "u", "exp": 1700000060}
wide.update({f"c{i}": i for i in range(10000)})
open(f"{w}/wide", "w").write(u(b'{"alg":"RS256","typ":"JWT"}') + "." + u(json.dumps(wide).encode()) + "." + u(b"sig"))
PY

check=(check --profile moveo --now 1700000000 --format json --verify-key $keys/customer-test-public.pem)
cases=(
  "10 MB token|${check[*]} --token @$work/10mb"
  "10,000 segments|${check[*]} --token @$work/segments"
  "JSON 100,000 deep (size limit raised)|${check[*]} --max-token-bytes 1000000 --token @$work/deep"
  "10,000 claims (size limit raised)|${check[*]} --max-token-bytes 1000000 --token @$work/wide"
  "65,536-bit modulus in a JWK|check --profile moveo --token a.b.c --verify-key $work/65536.jwk"
  "/dev/zero as a key file|check --profile moveo --token a.b.c --verify-key /dev/zero"
  "adapter that never answers (--exec-timeout 0.5)|vectors run --backend reference --exec 'sleep 60' --exec-timeout 0.5"
  "adapter that floods one line|vectors run --backend reference --exec 'yes | tr -d \"\\n\"'"
)
printf '%-48s %4s %8s %9s  %s\n' input exit wall peakRSS outcome
for case in "${cases[@]}"; do
  name=${case%%|*}
  args=${case#*|}
  /usr/bin/time -f '%e %M' -o "$work/time" bash -c "$bin $args" >"$work/out" 2>"$work/err"
  code=$?
  read -r wall rss < <(tail -1 "$work/time")
  outcome=$(python3 -c '
import json,sys
try:
    r = json.load(open(sys.argv[1])); print("finding " + ",".join(f["id"] for f in r["findings"]))
except Exception:
    print(open(sys.argv[2]).read().strip().splitlines()[-1][:90])
' "$work/out" "$work/err")
  printf '%-48s %4s %7ss %7sK  %s\n' "$name" "$code" "$wall" "$rss" "$outcome"
done
