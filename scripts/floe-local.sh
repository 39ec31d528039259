#!/usr/bin/env bash
# Starts Floe's local cluster on this machine (see README): builds what is needed, then runs it in
# the foreground until Ctrl-C. Arguments: [data-dir] (default .floe-local).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-etcd.sh

cp_file=local-cluster/target/runtime.classpath
mvn -B -q -ntp -pl local-cluster -am package dependency:build-classpath \
  -DskipTests -Dspotless.check.skip=true \
  -Dmdep.outputFile="$PWD/$cp_file" -Dmdep.includeScope=runtime >&2
# In a reactor build the Floe modules resolve to their target folders, so no install is needed.
exec java -cp "local-cluster/target/classes:$(cat "$cp_file")" io.floe.local.LocalCluster "$@"
