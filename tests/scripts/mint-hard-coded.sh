#!/bin/sh
# A minting command written the way the vendor's sample code is: the
# moveo context's AES key and IV hard-coded (the sample's own values), so
# every token carries the same ones. `jose-harness audit --mint` runs it
# once per token. It mints through `jose-harness generate`:
#   JOSE_HARNESS  the binary (default: jose-harness on PATH)
#   KEYS          directory of customer-private.pem and recipient-public.pem
#                 (default: vectors/keys, the TEST keys)
#   MINT_IV_ONLY  set: hard-code only an IV (not the sample's) and draw a
#                 fresh random key per token
#   MINT_CLOCK_OFFSET  seconds added to this script's clock (default 0)
set -eu
bin=${JOSE_HARNESS:-jose-harness}
keys=${KEYS:-vectors/keys}
sign=$keys/customer-test-private.pem
encrypt=$keys/recipient-test-public.pem
[ -f "$sign" ] || sign=$keys/customer-private.pem
[ -f "$encrypt" ] || encrypt=$keys/recipient-public.pem
# The sample's `keyBase64` and `ivBase64`.
key='KEgrTWJRZVRoV21acTR0N3cheiVDJkYpSkBOY1JmVWo='
iv='KkYtSmFOZFJnVWtYcDJzNQ=='
now=$(( $(date +%s) + ${MINT_CLOCK_OFFSET:-0} ))
if [ -n "${MINT_IV_ONLY:-}" ]; then
  exec "$bin" generate --profile moveo --sign-key "$sign" --encrypt-key "$encrypt" \
    --context '{"plan":"gold"}' --now "$now" --aes-iv 'n5Ktt2+/3MjpCXqBsNN0Gw=='

fi
exec "$bin" generate --profile moveo --sign-key "$sign" --encrypt-key "$encrypt" \
  --context '{"plan":"gold"}' --now "$now" --aes-key "$key" --aes-iv "$iv"
