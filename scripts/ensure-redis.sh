#!/usr/bin/env bash
# Makes sure redis-server is on PATH for the tests of the Redis side of the side-by-side
# benchmarks (JedisBindingIT), installing Debian's redis-server package when it is missing and we
# are allowed to (root with apt-get). Without it those tests are skipped, saying why.
set -euo pipefail

if command -v redis-server >/dev/null 2>&1; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [[ "$(id -u)" == "0" ]]; then
  echo "redis-server not found: installing Debian's redis-server package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq redis-server redis-tools >/dev/null
  command -v redis-server >/dev/null 2>&1 && exit 0
fi
echo "redis-server is not installed (apt-get install -y redis-server): its tests will be skipped" >&2
