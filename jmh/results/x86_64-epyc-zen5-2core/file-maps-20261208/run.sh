#!/usr/bin/env bash
# Issue #23's open after a kill at 10M (FileOpenBenchmark, killed=true: a writer JVM is killed
# mid-write before each open), every JVM on CPU 1 after the kill run, nothing else running; the
# map file on the VM's disk (/tmp/bench/files).
set -euo pipefail
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 PATH=/usr/lib/jvm/temurin-25-jdk-amd64/bin:$PATH
jar=${1:-benchmarks.jar}
mkdir -p /tmp/bench/files
taskset -c 1 java -Djmh.ignoreLock=true -Dtophash.bench.dir=/tmp/bench/files -jar "$jar" FileOpenBenchmark \
    -p killed=true -p midGrowth=false -p size=10000000 -f 1 \
    -rf json -rff FileOpenBenchmark-killed.json 2>&1 | tee FileOpenBenchmark-killed.txt
