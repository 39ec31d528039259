#!/usr/bin/env bash
# The load and fault harness (DESIGN.md §14): a 3-member etcd, S3 behind a fault-injecting front,
# three data nodes behind TCP proxies and two control planes, all separate processes on this
# machine; a YCSB workload on one table per durability mode while faults are injected one at a time
# (kill -9 of a leader, of a follower, of the control-plane leader; SIGSTOP; a node cut off from
# everyone, or from etcd, or a leader from its followers only; an etcd member restarted; S3
# errors, throttling, slow answers, answers lost after the request took effect); then every key is
# read back and the history checked.
# Report with plots: load-tests/reports/chaos-<time>.md; exit 1 if a check failed (a lost or
# phantom write, a fault not recovered from, a partition without writes past --max-write-gap).
# The long run: --per-kind 100 (about 5 hours on two cores); --max-minutes N stops injecting after N
# minutes of faults, then checks and reports as usual. In segments, where no one can run it whole:
#   load-tests/chaos.sh --per-kind 100 --max-minutes 140 --ledger load-tests/reports/long-run.jsonl
# each run is a segment on a fresh cluster, checked and reported on its own and appended to the
# ledger and to load-tests/reports/chaos-long.md (the long run so far, over every segment); run the
# same command again until it says the long run is complete. --report-only true (with --ledger)
# writes chaos-long.md from the ledger and runs nothing.
#   load-tests/chaos.sh [--per-kind 2] [--faults all|kill-leader,pause-node,...] [--mix A]
#       [--threads 8] [--keys 2000] [--distribution uniform|zipfian] [--value-bytes 100] [--rate 0]
#       [--request-timeout 10s] [--max-write-gap 30s] [--max-minutes 0] [--seed 1] [--ledger F]
#       [--report-only true]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scripts/ensure-etcd.sh
# shellcheck source=load-tests/bench-lib.sh
source "$root/load-tests/bench-lib.sh"
build_bench_classpath
# the code the run tests, named in its report and its ledger line ("-dirty": with uncommitted edits)
code=$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)
# The history of every operation stays in memory until the check: about 165 bytes an operation, and
# an unthrottled workload on two cores records some 5,800 a second (3.4 GB an hour); a segment of
# --max-minutes 140 needs about 10 GB. FLOE_CHAOS_HEAP overrides the heap's limit.
# not exec: bench-lib's exit trap removes its work directory
java -Xmx"${FLOE_CHAOS_HEAP:-12g}" -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true "$logback" \
  -cp "$cp" io.floe.loadtests.chaos.ChaosRun --code "$code" "$@"
