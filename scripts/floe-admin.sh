#!/usr/bin/env bash
# Writes desired state into etcd until the control plane exists (create-table, move-leader,
# drop-table). `scripts/floe-admin.sh --help` prints every command and flag with an example.
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/lib/run-module.sh data-plane io.floe.dataplane.cluster.AssignmentAdmin "$@"
