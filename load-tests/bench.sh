#!/usr/bin/env bash
# Builds the benchmarks (no install) and runs JMH on them.
#   load-tests/bench.sh [BENCHMARK_REGEX] [extra JMH options...]
# Default: every benchmark in io.floe.loadtests.bench with short settings (-f 1 -wi 2 -i 3).
# Results go to load-tests/reports/bench-<time>.{json,txt}.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
regex="${1:-io.floe.loadtests.bench.*}"
shift || true
jmh_opts=("$@")
if [ ${#jmh_opts[@]} -eq 0 ]; then
  jmh_opts=(-f 1 -wi 2 -i 3 -w 3s -r 3s)
fi

cp_file="$root/load-tests/target/bench.classpath"
mvn -B -q -pl load-tests -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime

reports="$root/load-tests/reports"
mkdir -p "$reports"
stamp=$(date +%Y%m%d-%H%M%S)
json="$reports/bench-$stamp.json"
txt="$reports/bench-$stamp.txt"
# JMH forks inherit the host JVM options, so this reaches the measured JVM too.
logback="-Dlogback.configurationFile=$root/load-tests/bench-logback.xml"

java "$logback" -cp "$root/load-tests/target/classes:$(cat "$cp_file")" org.openjdk.jmh.Main \
  "$regex" -rf json -rff "$json" "${jmh_opts[@]}" | tee "$txt"

# Derived figures: WAL entries/s -> MB/s (33-byte entry header + 16-byte key + row).
python3 - "$json" <<'PY' | tee -a "$txt"
import json, sys
print("\nSummary")
for r in json.load(open(sys.argv[1])):
    name = r["benchmark"].rsplit(".", 2)[-2:]
    score = r["primaryMetric"]["score"]
    params = r.get("params", {})
    line = f"{'.'.join(name):45s} {params} {score:,.0f} ops/s"
    if "rowBytes" in params:
        mb = score * (33 + 16 + int(params["rowBytes"])) / 1e6
        line += f"  = {mb:,.0f} MB/s"
    print(line)
PY
echo "results: $json $txt"
