#!/usr/bin/env bash
# Starts Floe's local cluster on this machine (see README): builds what is needed, then runs it in
# the foreground until Ctrl-C. Arguments: [data-dir] (default .floe-local).
#
# The cluster runs in its own session, so Ctrl-C reaches only this script, which asks the cluster to
# stop (SIGTERM): the cluster then stops in reverse order of start — data nodes (flushing their WAL)
# while etcd and S3 still answer, then S3, then etcd. Without this, the terminal's SIGINT would also
# hit etcd, a child process, and the nodes would stop against a dead etcd.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-etcd.sh
if ! command -v setsid >/dev/null 2>&1; then
  exec scripts/lib/run-module.sh local-cluster io.floe.local.LocalCluster "$@"
fi
setsid scripts/lib/run-module.sh local-cluster io.floe.local.LocalCluster "$@" &
cluster=$!
trap 'kill -TERM "$cluster" 2>/dev/null || true' INT TERM
status=0
wait "$cluster" || status=$?
# A trapped signal ends the first wait early: wait for the cluster itself to finish stopping.
while kill -0 "$cluster" 2>/dev/null; do
  wait "$cluster" || status=$?
done
exit "$status"
