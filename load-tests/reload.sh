#!/usr/bin/env bash
# Measures how fast a partition reloads from S3 beside the machine's own limit (parallel GET +
# decode of the same WAL objects, same run). Options: --writes N --keys N --row-bytes N --rounds N
# --fetch-threads N. The report goes to load-tests/reports/reload-<time>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cp_file="$root/load-tests/target/bench.classpath"
mvn -B -q -pl load-tests -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime
java -Xmx6g -XX:+UseParallelGC ${FLOE_BENCH_JAVA_OPTS:-} -Dlogback.configurationFile="$root/load-tests/bench-logback.xml" \
  -cp "$root/load-tests/target/classes:$(cat "$cp_file")" io.floe.loadtests.reload.ReloadBench "$@"
