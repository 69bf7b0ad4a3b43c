#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests (Playwright drives
# /usr/bin/chromium; no `playwright install`). Installs it from Debian's packages only when
# we are root and apt-get exists (a fresh CI machine). Never fails: without a browser the
# tests marked `browser` skip and say why, except when CI is set, where they fail.
set -u

found() { command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; }

found && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "make test: installing chromium from Debian's packages for the browser tests" >&2
  if apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive \
     apt-get install -y -qq chromium >/dev/null; then
    found && exit 0
  fi
fi

echo "make test: no chromium (/usr/bin/chromium); the browser tests will skip" >&2
exit 0
