package io.tophash.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What does reading one session's value cost, its id a {@code String} in hand ({@code form=STRING})
 * or ASCII bytes inside a request buffer ({@code form=BUFFER}; the heap maps build a {@code String}
 * first)? Each op reaches the value's length and last byte for one of the {@code size} sessions,
 * visiting all in a shuffled order.
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar SessionGetBenchmark -prof gc}; {@link SessionReport}
 * runs it in the main job and the full report.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {Workload.PRE_TOUCH, Workload.SESSION_HEAP_MIN, Workload.SESSION_HEAP_MAX,
        Workload.CHRONICLE_EXPORT_JAVAC_FILE, Workload.CHRONICLE_OPEN_LANG, Workload.CHRONICLE_OPEN_REFLECT,
        Workload.NATIVE_ACCESS, Workload.CHRONICLE_NO_ANALYTICS})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SessionGetBenchmark extends SessionCache {

    @Param({"STRING", "BUFFER"})
    public String form;

    @Benchmark
    public long get() {
        int i = nextIndex();
        return form.equals("BUFFER") ? map.getFromBuffer(requests, requestSegment, offsets[i], lengths[i])
                : map.get(order[i]);
    }
}
