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
 * What does a session's expiry and re-creation cost? Each op removes the next session and puts it
 * back with the next value of the pool (another length): a remove and an insert.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {Workload.PRE_TOUCH, Workload.SESSION_HEAP_MIN, Workload.SESSION_HEAP_MAX,
        Workload.CHRONICLE_EXPORT_JAVAC_FILE, Workload.CHRONICLE_OPEN_LANG, Workload.CHRONICLE_OPEN_REFLECT,
        Workload.NATIVE_ACCESS, Workload.CHRONICLE_NO_ANALYTICS})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SessionChurnBenchmark extends SessionCache {

    @Benchmark
    public void removeAndPut() {
        String id = order[nextIndex()];
        map.remove(id);
        putNextValue(id);
    }
}
