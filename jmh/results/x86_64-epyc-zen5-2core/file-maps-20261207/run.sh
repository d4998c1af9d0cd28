#!/usr/bin/env bash
# Issue #23's file-map cells: FileOpenBenchmark, FileMapBenchmark and FileForceBenchmark, 2 forks,
# every JVM on CPU 1, nothing else running; map files on the VM's disk (/tmp/bench/files).
set -euo pipefail
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 PATH=/usr/lib/jvm/temurin-25-jdk-amd64/bin:$PATH
jar=${1:-benchmarks.jar}
for b in FileOpenBenchmark FileMapBenchmark FileForceBenchmark; do
    taskset -c 1 java -Djmh.ignoreLock=true -Dtophash.bench.dir=/tmp/bench/files -jar "$jar" "$b" -f 2 \
        -rf json -rff "$b.json" 2>&1 | tee "$b.txt"
done
