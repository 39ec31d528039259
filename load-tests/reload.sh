#!/usr/bin/env bash
# Measures how fast a partition reloads from S3 beside the machine's own limit (parallel GET +
# decode of the same WAL objects, same run). Options: --writes N --keys N --row-bytes N --rounds N
# --fetch-threads N. The report goes to load-tests/reports/reload-<time>.md.
# Environment: FLOE_BENCH_JAVA_OPTS, extra JVM options (e.g. a flight recording).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# shellcheck source=load-tests/bench-lib.sh
source "$root/load-tests/bench-lib.sh"
build_bench_classpath
# shellcheck disable=SC2086
java -Xmx6g -XX:+UseParallelGC ${FLOE_BENCH_JAVA_OPTS:-} "$logback" -cp "$cp" \
  io.floe.loadtests.reload.ReloadBench "$@"
