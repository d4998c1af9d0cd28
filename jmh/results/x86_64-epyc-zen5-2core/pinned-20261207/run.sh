#!/usr/bin/env bash
# Issue #20's pinned full run: every target cell, 2 forks x (3 + 5) x 1 s, default builder.
# Single-threaded cells pinned to CPU 1; the 2- and 4-thread cells use both CPUs.
# Run from the repository root after `mvn -o -B -q package -pl core,jmh -DskipTests`.
set -euo pipefail
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
J="$JAVA_HOME/bin/java -jar jmh/target/benchmarks.jar"
OUT=jmh/results/x86_64-epyc-zen5-2core/pinned-20261207
COMMON="-f 2 -wi 3 -i 5 -w 1 -r 1 -prof gc -rf json"
taskset -c 1 $J 'GetHitBenchmark|GetLatencyBenchmark|GetMissBenchmark|PutBenchmark' \
    -p impl=TOPHASH_LINE_ALIGNED,FASTUTIL -p size=1000,10000000 $COMMON -rff $OUT/ops.json
taskset -c 1 $J GetAllBenchmark $COMMON -rff $OUT/getall.json
taskset -c 1 $J DeviceGetBenchmark -p impl=TOPHASH_BYTES_LINE,HASHMAP_DEVICE -p keys=TOKENS \
    -p size=1000000 -p form=STRING,BUFFER $COMMON -rff $OUT/bytes-get-1m-tokens.json
$J ConcurrentMapBenchmark -t 2 -p impl=TOPHASH_CONCURRENT,CONCURRENT_HASHMAP -p size=1000000 \
    -p mix=GET_ONLY $COMMON -rff $OUT/concurrent-get-2t.json
for t in 1 2 4; do
    $J RegistryRequestBenchmark -t $t $COMMON -rff $OUT/registry-t$t.json
done
