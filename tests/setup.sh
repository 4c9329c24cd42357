#!/usr/bin/env bash
# Test set-up for a fresh Debian machine: Chromium and CJK fonts for the report tests (Debian's
# packages; needs root or sudo), then the package with its test dependencies. Safe to re-run.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null
fi
python3 -m pip install -q -e '.[test]'
