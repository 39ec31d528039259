#!/usr/bin/env bash
# Makes sure the real etcd server binary is on PATH, installing Debian's etcd-server package when
# it is missing and we are allowed to (root with apt-get). Everything else is fetched by Maven.
set -euo pipefail

if command -v etcd >/dev/null 2>&1; then
  exit 0
fi
if [[ -n "${FLOE_ETCD_BIN:-}" && -x "${FLOE_ETCD_BIN}" ]]; then
  exit 0
fi

if command -v apt-get >/dev/null 2>&1 && [[ "$(id -u)" == "0" ]]; then
  echo "etcd not found: installing Debian's etcd-server and etcd-client packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq etcd-server etcd-client >/dev/null
  command -v etcd >/dev/null 2>&1 && exit 0
fi

cat >&2 <<'MSG'
etcd is required (tests and the local cluster run a real etcd process) but it is not on PATH.
Install it, then run again:
  Debian/Ubuntu:  sudo apt-get install -y etcd-server etcd-client
  elsewhere:      put an etcd 3.4+ binary on PATH, or set FLOE_ETCD_BIN to its path
MSG
exit 1
