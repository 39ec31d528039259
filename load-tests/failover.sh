#!/usr/bin/env bash
# The control plane's failover benchmark: etcd, S3, three data nodes and two control planes as
# separate processes on this machine; a replicated table (3 replicas) under write load; N times the
# leader of a random partition is killed with kill -9 and the control plane fails it over by itself;
# then a stretch with no fault at full write load, counting false failovers; every acknowledged write
# is read back. Report: load-tests/reports/failover-<time>.md (exit 1 if a write was lost).
#   load-tests/failover.sh [--kills 30] [--quiet-minutes 10] [--writers 8] [--partitions 6] [--dead-after 1s]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scripts/ensure-etcd.sh
cp_file="$root/load-tests/target/bench.classpath"
mvn -B -q -ntp -pl load-tests -am package dependency:build-classpath -DskipTests \
  -Dspotless.check.skip=true -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime
exec java -Xmx1g -Dlogback.configurationFile="$root/load-tests/bench-logback.xml" \
  -cp "$root/load-tests/target/classes:$(cat "$cp_file")" io.floe.loadtests.failover.FailoverBench "$@"
