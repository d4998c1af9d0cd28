package io.tophash.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What does replacing a session's value with one of another length cost? Each op puts the next
 * value of the pool (lengths drawn from {@code values}) for the next present session; the off-heap
 * maps copy the bytes in (and tophash frees the old block, compacting its store when freed blocks
 * pile up), the heap maps store the array's reference.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {Workload.PRE_TOUCH, Workload.SESSION_HEAP_MIN, Workload.SESSION_HEAP_MAX,
        Workload.CHRONICLE_EXPORT_JAVAC_FILE, Workload.CHRONICLE_OPEN_LANG, Workload.CHRONICLE_OPEN_REFLECT,
        Workload.NATIVE_ACCESS, Workload.CHRONICLE_NO_ANALYTICS})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SessionReplaceBenchmark extends SessionCache {

    @Benchmark
    public void replace() {
        putNextValue(order[nextIndex()]);
    }
}
