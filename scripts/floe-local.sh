#!/usr/bin/env bash
# Starts Floe's local cluster on this machine (see README): builds what is needed, then runs it in
# the foreground until Ctrl-C. Arguments: [data-dir] (default .floe-local).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-etcd.sh
exec scripts/lib/run-module.sh local-cluster io.floe.local.LocalCluster "$@"
