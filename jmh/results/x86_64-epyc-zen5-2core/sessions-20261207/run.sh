#!/usr/bin/env bash
# The pinned session-cache run of issue #21 (2026-12-07): SessionReport's full profile, 2 forks per
# cell (3 x 1 s warmup, 5 x 1 s measurement, -prof gc), every fork pinned to CPU 1 (taskset; the
# forks inherit the affinity), the footprint in a child JVM. From the repository root, after
# mvn -B -DskipTests package -pl core,jmh -am:
set -euo pipefail
out=jmh/results/x86_64-epyc-zen5-2core/sessions-20261207
taskset -c 1 java -cp jmh/target/benchmarks.jar io.tophash.jmh.SessionReport -full -forks 2 -out "$out"
