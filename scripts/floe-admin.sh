#!/usr/bin/env bash
# Writes desired state into etcd until the control plane exists:
#   scripts/floe-admin.sh create-table --etcd URLS --cluster NAME --table db.t --tid N \
#       --schema schema.json --partitions P --replicas R [--durability memory|s3] --nodes a,b,c
#   scripts/floe-admin.sh move-leader --etcd URLS --cluster NAME --tid N --partition P --node a
#   scripts/floe-admin.sh drop-table --etcd URLS --cluster NAME --table db.t
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/lib/run-module.sh data-plane io.floe.dataplane.cluster.AssignmentAdmin "$@"
