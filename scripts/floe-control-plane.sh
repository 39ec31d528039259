#!/usr/bin/env bash
# Runs one control-plane replica as a process (see README "Running the control plane by hand"):
#   scripts/floe-control-plane.sh --floe.cluster.name local --floe.etcd.endpoints http://127.0.0.1:2379 \
#     --micronaut.server.port 7080 [--floe.auth.tokens-file tokens.txt ...]
# Run two or more on different ports: one leads, the others stand by. JVM options: FLOE_JAVA_OPTS.
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/lib/run-module.sh control-plane io.floe.controlplane.ControlPlaneApp "$@"
