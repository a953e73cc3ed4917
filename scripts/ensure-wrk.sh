#!/usr/bin/env bash
# Makes sure wrk (the HTTP load generator `make soak` drives the example
# server with) is installed: it installs the Debian package when missing,
# refreshing the package lists first only if the plain install fails.
set -eu
if command -v wrk >/dev/null 2>&1; then
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    echo "ensure-wrk: wrk is missing and installing it needs root; install the wrk package" >&2
    exit 1
  fi
fi
echo "ensure-wrk: installing wrk with apt-get"
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y -q wrk; then
  $sudo apt-get update -q
  $sudo apt-get install -y -q wrk
fi
command -v wrk >/dev/null 2>&1
