#!/usr/bin/env bash
# Who wakes YCSB's threads: runs load-tests/ycsb-vs-redis.sh with the flags given and, a quarter of
# the way into the warm phase of each YCSB JVM (phases of --seconds, 20 by default), records the
# kernel's scheduler wake-ups machine-wide for half a phase (at most 5 s), then prints, per store,
# how many times a second and per operation each kind of process woke the benchmark's threads.
#   load-tests/ycsb-wakeups.sh --workloads a --threads 16 --rounds 1
# A thread blocked on a loopback socket is woken by its peer's write, in the peer's process: Jedis's
# threads by redis-server; Floe's callers, waiting on the client's pipelined connection, by the
# client's own event loop. Client CPU per operation therefore includes waking the callers for Floe
# and excludes it for Jedis; the report's total CPU column is the comparison free of that.
# Needs perf with access to the sched tracepoints (Debian: linux-perf, run as root or with
# kernel.perf_event_paranoid <= -1).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=20
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    --seconds) seconds=${args[$((i + 1))]:-20} ;;
    --seconds=*) seconds=${args[$i]#--seconds=} ;;
    --ops | --ops=*) echo "--ops phases have no known length; give --seconds" >&2; exit 1 ;;
  esac
done
start_after=$((seconds + seconds / 4))
record_for=$((seconds / 2 < 5 ? seconds / 2 : 5))
if [ "$record_for" -lt 1 ]; then
  echo "phases of $seconds s are too short to sample; give --seconds 2 or more" >&2
  exit 1
fi
if ! command -v perf >/dev/null; then
  echo "perf is not installed (Debian: apt-get install linux-perf)" >&2
  exit 1
fi
if ! perf record -q -e sched:sched_wakeup -a -o /dev/null true >/dev/null 2>&1; then
  echo "perf cannot record sched:sched_wakeup here (run as root, or lower kernel.perf_event_paranoid)" >&2
  exit 1
fi
out=$(mktemp -d /tmp/ycsb-wakeups.XXXXXX)
echo "perf records and the benchmark's output in $out"

watch() {
  local seen=""
  while true; do
    for pid in $(pgrep -f io.floe.loadtests.ycsb.YcsbPhases || true); do
      case " $seen " in *" $pid "*) continue ;; esac
      seen="$seen $pid"
      local store
      store=$(tr '\0' ' ' < "/proc/$pid/cmdline" | grep -o 'FloeBinding\|JedisBinding' || echo unknown)
      (
        sleep "$start_after"
        perf record -q -e sched:sched_wakeup -a -o "$out/$store-$pid.data" sleep "$record_for" \
          >/dev/null 2>&1
        perf script -i "$out/$store-$pid.data" -F comm,pid,tid,trace > "$out/$store-$pid.txt" 2>/dev/null
        rm -f "$out/$store-$pid.data"
      ) &
    done
    sleep 0.5
  done
}
watch &
watcher=$!
trap 'kill $watcher 2>/dev/null || true' EXIT

load-tests/ycsb-vs-redis.sh "$@" | tee "$out/benchmark.log"
sleep 1
wait_for_perf=0
while pgrep -f "perf record -q -e sched:sched_wakeup" >/dev/null && [ $wait_for_perf -lt 30 ]; do
  sleep 1
  wait_for_perf=$((wait_for_perf + 1))
done

python3 - "$out" "$record_for" <<'EOF'
import collections, glob, os, re, sys
out, seconds = sys.argv[1], int(sys.argv[2])
# warm ops/s of each store's runs, in order, from the benchmark's output
warm = collections.defaultdict(list)
store = None
for line in open(os.path.join(out, "benchmark.log")):
    m = re.match(r"round \d+: workload \w, \d+ threads, (\w+)", line)
    if m:
        store = m.group(1)
    m = re.match(r"\s+warm: ([\d,]+) ops/s", line)
    if m and store:
        warm[store].append(float(m.group(1).replace(",", "")))
def kind(comm, pid, ycsb_pid):
    if pid == ycsb_pid:
        if comm.startswith("ycsb-client"):
            return "the YCSB threads themselves"
        if comm.startswith("floe-client"):
            return "Floe's client event loop"
        return "the YCSB JVM's other threads"
    if comm == "redis-server":
        return "redis-server"
    if comm.startswith("floe-"):
        return "the Floe node"
    if comm == "swapper":
        return "an idle CPU (a wake-up another CPU queued there, a timer)"
    return "other"
print(f"\nWake-ups of YCSB's threads (ycsb-client-N), {seconds} s of each warm phase:\n")
print("| store | run | woken by | per second | per operation |")
print("|---|---:|---|---:|---:|")
for name, label in (("FloeBinding", "Floe"), ("JedisBinding", "Redis")):
    files = sorted(glob.glob(os.path.join(out, name + "-*.txt")), key=os.path.getmtime)
    for i, f in enumerate(files):
        ycsb_pid = os.path.basename(f)[: -len(".txt")].split("-")[-1]
        counts = collections.Counter()
        for line in open(f):
            m = re.match(r"\s*(.+?)\s+(\d+)/\d+\s+comm=(.+?) pid=", line)
            if m and m.group(3).startswith("ycsb-client"):
                counts[kind(m.group(1).strip(), m.group(2), ycsb_pid)] += 1
        ops = warm[label][i] if i < len(warm[label]) else float("nan")
        for who, n in counts.most_common():
            rate = n / seconds
            print(f"| {label} | {i + 1} | {who} | {rate:,.0f} | {rate / ops:.2f} |")
EOF
