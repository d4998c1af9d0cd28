#!/usr/bin/env bash
# The pinned Kafka Streams store run of issue #22 (2026-12-07): every JVM pinned to CPU 1 (taskset;
# JMH's forks inherit the affinity), 2 forks per cell, 3 x 1 s warmup and 5 x 1 s measurement
# (restore: 8 warmup and 8 measured single shots per fork). From the repository root, after
# mvn -B -DskipTests install -pl core,agrona,kafka-streams && mvn -B -DskipTests package -pl jmh:
set -euo pipefail
out=jmh/results/x86_64-epyc-zen5-2core/kafka-20261207
jar=jmh/target/benchmarks.jar
pin="taskset -c 1"
$pin java -jar $jar KafkaStoreBenchmark -p impl=TOPHASH,IN_MEMORY,ROCKSDB -p size=1000000,10000000 -f 2 \
    -prof gc -rf json -rff "$out/store.json" | tee "$out/store.txt"
$pin java -jar $jar KafkaRestoreBenchmark -p impl=TOPHASH,TOPHASH_UNSIZED,TOPHASH_BASE_PAGES,IN_MEMORY,ROCKSDB -f 2 \
    -rf json -rff "$out/restore.json" | tee "$out/restore.txt"
$pin java -jar $jar KafkaTopologyBenchmark -f 2 -rf json -rff "$out/topology.json" | tee "$out/topology.txt"
for impl in TOPHASH IN_MEMORY ROCKSDB; do
    $pin java -Xms6g -Xmx6g -XX:+AlwaysPreTouch --enable-native-access=ALL-UNNAMED -cp $jar \
        io.tophash.jmh.KafkaStoreFill $impl 10000000 | grep '^impl=' | tee -a "$out/fill-10m.txt"
done
for impl in TOPHASH IN_MEMORY ROCKSDB; do
    $pin java -Xms6g -Xmx6g -XX:+AlwaysPreTouch --enable-native-access=ALL-UNNAMED -cp $jar \
        io.tophash.jmh.KafkaStoreFill $impl 1000000 | grep '^impl=' | tee -a "$out/fill-1m.txt"
done
