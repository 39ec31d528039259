#!/usr/bin/env bash
# Runs every test of every module: unit tests (*Test, surefire) and integration tests (*IT,
# failsafe) against a real etcd process and an embedded S3 endpoint over HTTP.
# Installs what is missing first. Extra arguments go to Maven (e.g. -pl core -am).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in java mvn; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$tool is required: install a Java 17 JDK and Maven 3.8+ (Debian: apt-get install -y openjdk-17-jdk-headless maven)" >&2
    exit 1
  fi
done
scripts/ensure-etcd.sh
scripts/ensure-redis.sh

exec mvn -B -ntp verify "$@"
