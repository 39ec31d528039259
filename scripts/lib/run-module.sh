#!/usr/bin/env bash
# Builds MODULE (and what it needs) without installing anything, then runs MAIN_CLASS on its
# runtime classpath with the remaining arguments:  run-module.sh MODULE MAIN_CLASS [args...]
set -euo pipefail
module=$1
main_class=$2
shift 2
cd "$(dirname "$0")/../.."

cp_file="$module/target/runtime.classpath"
mvn -B -q -ntp -pl "$module" -am package dependency:build-classpath \
  -DskipTests -Dspotless.check.skip=true \
  -Dmdep.outputFile="$PWD/$cp_file" -Dmdep.includeScope=runtime >&2
# In a reactor build the Floe modules resolve to their target folders, so no install is needed.
exec java ${FLOE_JAVA_OPTS:-} -cp "$module/target/classes:$(cat "$cp_file")" "$main_class" "$@"
