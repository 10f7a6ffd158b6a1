#!/usr/bin/env bash
# The browser tests' set-up, sourced by scripts/browser-test.sh and
# scripts/serve-browser-test.sh from the repository's root: finds or
# installs Debian's chromium (or takes $CHROMIUM) and the puppeteer-core
# pinned in scripts/browser/package-lock.json, and sets $chromium. Needs
# the caller's step() and die().
#
#   source scripts/browser/prepare.sh     from one of those scripts
#   scripts/browser/prepare.sh --help     this text
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  case "${1:-}" in
    -h|--help) sed -n '2,/^if \[\[/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "usage: source scripts/browser/prepare.sh from browser-test.sh or serve-browser-test.sh" >&2; exit 2 ;;
  esac
fi

chromium=${CHROMIUM:-}
if [[ -z $chromium ]]; then
  chromium=$(command -v chromium || command -v chromium-browser || true)
fi
if [[ -z $chromium ]]; then
  step "installing Debian's chromium"
  if [[ $(id -u) -eq 0 ]]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo)
  else
    die "chromium is missing and cannot be installed without root: run 'sudo apt-get install chromium', or set CHROMIUM"
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
  chromium=$(command -v chromium) || die "apt-get installed chromium, but it is not on PATH"
fi
"$chromium" --version 2>/dev/null || die "$chromium does not run"

# The driver: puppeteer-core, pinned in scripts/browser/package-lock.json.
command -v node >/dev/null 2>&1 || die "node is missing (apt-get install nodejs)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[[ $node_major -ge 18 ]] || die "node $(node --version) is too old: puppeteer-core needs 18 or later"
if ! cmp -s scripts/browser/package-lock.json scripts/browser/node_modules/.installed-lock 2>/dev/null; then
  step "installing puppeteer-core (npm ci)"
  (cd scripts/browser && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  cp scripts/browser/package-lock.json scripts/browser/node_modules/.installed-lock
fi
