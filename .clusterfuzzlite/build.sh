#!/bin/bash -eu
# Builds the fuzz targets of fuzz/ into $OUT for ClusterFuzzLite (or
# OSS-Fuzz): each binary, its seed corpus as <target>_seed_corpus.zip, the
# JOSE dictionary as <target>.dict and libFuzzer options (max_len) as
# <target>.options.
#
# In the builder image (nightly Rust, $SANITIZER set) this is the documented
# `cargo fuzz build -O`. Run by hand on a stable toolchain it falls back:
# no sanitizer (`-s none`) unless SANITIZER=address, which then needs
# RUSTC_BOOTSTRAP=1 for cargo-fuzz's -Zsanitizer flag:
#   SRC=/work OUT=/tmp/cfl-out bash .clusterfuzzlite/build.sh

: "${OUT:?set OUT to the output directory}"
# The repository: the working directory (the image's WORKDIR, or a clone
# when run by hand), else $SRC/jose-harness.
if [[ -f fuzz/Cargo.toml ]]; then
  root=$(pwd)
elif [[ -n ${SRC:-} && -f $SRC/jose-harness/fuzz/Cargo.toml ]]; then
  root=$SRC/jose-harness
else
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
fi
cd "$root"
mkdir -p "$OUT"

flags=(-O)
if ! rustc -V | grep -q nightly; then
  case "${SANITIZER:-none}" in
    none|"") flags+=(-s none) ;;
    address) export RUSTC_BOOTSTRAP=1; flags+=(-s address) ;;
    *) echo "build.sh: sanitizer ${SANITIZER} needs a nightly toolchain" >&2; exit 1 ;;
  esac
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
# The bignum and primitive crates without coverage instrumentation: RSA
# is a hundred times slower with it (see fuzz/rustc-wrapper.sh).
export RUSTC_WRAPPER=${RUSTC_WRAPPER:-$root/fuzz/rustc-wrapper.sh}
cargo fuzz build "${flags[@]}"

triple=$(rustc -vV | sed -n 's/^host: //p')
# Where cargo put them: fuzz/target, CARGO_TARGET_DIR (relative to here,
# as cargo took it) or a target-dir of cargo's config.
target_dir=$(cargo metadata --manifest-path fuzz/Cargo.toml --format-version 1 --no-deps |
  grep -o '"target_directory":"[^"]*"' | sed 's/^"target_directory":"//; s/"$//')
built=$target_dir/$triple/release
for target in $(cargo fuzz list); do
  [[ -x $built/$target ]] || { echo "build.sh: $target is not built: no $built/$target" >&2; exit 1; }
  cp "$built/$target" "$OUT/"
  cp fuzz/jose.dict "$OUT/$target.dict"
  # Whole tokens need 16 KiB; the base64 and padding targets do with less
  # (as in scripts/fuzz.sh).
  case $target in
    base64url) max_len=1024 ;;
    pkcs7) max_len=256 ;;
    *) max_len=16384 ;;
  esac
  printf '[libfuzzer]\nmax_len = %s\ndict = %s.dict\n' "$max_len" "$target" >"$OUT/$target.options"
  corpus=fuzz/corpus/$target
  if [[ -d $corpus ]] && [[ -n $(ls -A "$corpus") ]]; then
    rm -f "$OUT/${target}_seed_corpus.zip"
    if command -v zip >/dev/null 2>&1; then
      (cd "$corpus" && zip -q -j "$OUT/${target}_seed_corpus.zip" ./*)
    else
      python3 -c 'import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for name in sorted(os.listdir(sys.argv[2])):
        z.write(os.path.join(sys.argv[2], name), name)' "$OUT/${target}_seed_corpus.zip" "$corpus"
    fi
  fi
done
echo "build.sh: $(cargo fuzz list | wc -l) fuzz targets in $OUT"
