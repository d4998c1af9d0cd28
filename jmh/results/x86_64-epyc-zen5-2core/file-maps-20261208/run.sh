#!/usr/bin/env bash
# Issue #23's owed cells, every JVM on CPU 1 after the kill run, nothing else running; map files on
# the VM's disk (/tmp/bench/files), the tmpfs impl on /dev/shm:
# - FileOpenBenchmark: the open after a writer JVM was killed mid-write, 1M and 10M;
# - FileMapBenchmark: the replacing put at 10M in memory, in a file and in a file on tmpfs, with
#   the page faults per operation counted (PageFaultProfiler).
set -euo pipefail
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 PATH=/usr/lib/jvm/temurin-25-jdk-amd64/bin:$PATH
jar=${1:-benchmarks.jar}
mkdir -p /tmp/bench/files
taskset -c 1 java -Djmh.ignoreLock=true -Dtophash.bench.dir=/tmp/bench/files -jar "$jar" FileOpenBenchmark \
    -p killed=true -p midGrowth=false -f 1 -rf json -rff FileOpenBenchmark-killed.json 2>&1 | tee FileOpenBenchmark-killed.txt
taskset -c 1 java -Djmh.ignoreLock=true -Dtophash.bench.dir=/tmp/bench/files -jar "$jar" 'FileMapBenchmark.put$' \
    -p impl=TOPHASH_MEMORY,TOPHASH_FILE,TOPHASH_TMPFS -p size=10000000 -f 1 -prof io.tophash.jmh.PageFaultProfiler \
    -rf json -rff FileMapBenchmark-put-faults.json 2>&1 | tee FileMapBenchmark-put-faults.txt
