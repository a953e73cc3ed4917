#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (example/browser_test.go)
# when it is missing. Idempotent: does nothing when chromium is on PATH.
# Without root or apt-get it only says so; the browser tests then skip
# loudly, except under CI=true, where they fail.
set -uo pipefail
if command -v chromium >/dev/null 2>&1; then
	exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "ensure-chromium: chromium is not installed and cannot be installed here (need root and apt-get); the browser tests will skip, or fail under CI=true" >&2
	exit 0
fi
echo "ensure-chromium: installing Debian's chromium for the browser tests"
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; }; then
	echo "ensure-chromium: installing chromium failed; the browser tests will skip, or fail under CI=true" >&2
fi
exit 0
