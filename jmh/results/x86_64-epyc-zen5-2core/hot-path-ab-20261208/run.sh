#!/usr/bin/env bash
# The in-memory hot path before the maps in a file (b2ffd38) and after (the head named in README.md):
# the same benchmarks from each commit's benchmarks.jar, alternating jars, two rounds, every JVM on
# CPU 1, nothing else running. The CPU-bound cells: a put and a churn of LongLongMap at 10K, a
# BytesMap remove + put (its insert and removal paths gained the file's checks).
set -euo pipefail
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 PATH=/usr/lib/jvm/temurin-25-jdk-amd64/bin:$PATH
before=${1:-/tmp/bench-before.jar}
after=${2:-/tmp/bench-head.jar}
for round in 1 2; do
    for side in before after; do
        jar=$before; [ "$side" = after ] && jar=$after
        taskset -c 1 java -Djmh.ignoreLock=true -jar "$jar" 'PutBenchmark.put$|ChurnBenchmark.churn$' \
            -p impl=TOPHASH_LINE_ALIGNED -p size=10000 -f 1 \
            -rf json -rff "long-$side-$round.json" > "long-$side-$round.txt" 2>&1
        taskset -c 1 java -Djmh.ignoreLock=true -jar "$jar" 'DeviceChurnBenchmark' -p impl=TOPHASH_BYTES_LINE -f 1 \
            -rf json -rff "bytes-$side-$round.json" > "bytes-$side-$round.txt" 2>&1
    done
done
