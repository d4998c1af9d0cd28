/**
 * The JDK Flight Recorder events of tophash, all in category {@code tophash}, named
 * {@code io.tophash.*}. Not exported: JFR records an event class from a package the module keeps
 * to itself (it instruments the class in place and reads its fields through that instrumentation,
 * not through reflection), which {@code JfrEventsTest} checks by running in the named module.
 *
 * <table>
 *   <caption>The events, where they are emitted and whether the JDK's settings record them</caption>
 *   <tr><th>event</th><th>emitted by</th><th>on in {@code default}/{@code profile}</th></tr>
 *   <tr><td>{@link io.tophash.events.GrowthStarted}</td><td>the write that starts a growth</td><td>no</td></tr>
 *   <tr><td>{@link io.tophash.events.GrowthFinished}</td><td>the write (or {@code finishGrowth()}) that
 *       completes one</td><td>yes, growths of 10 ms or more</td></tr>
 *   <tr><td>{@link io.tophash.events.ChunkAllocated}</td><td>{@code MapMemory.allocate}</td><td>no</td></tr>
 *   <tr><td>{@link io.tophash.events.ChunkReleased}</td><td>{@code MapMemory}'s one release path</td><td>no</td></tr>
 *   <tr><td>{@link io.tophash.events.HugePageFallback}</td><td>{@code HugePageAllocator}</td><td>yes</td></tr>
 *   <tr><td>{@link io.tophash.events.MapStatistics}</td><td>JFR's periodic thread, one per live map</td><td>no</td></tr>
 * </table>
 *
 * <p>How emission stays free. Every emission site first asks
 * {@link jdk.jfr.FlightRecorder#isInitialized()} (a static volatile load): in a JVM where JFR never
 * started, the event classes are then never loaded, because loading the first subclass of
 * {@link jdk.jfr.Event} loads JFR's metadata (measured: 0.7 to 1.4 s of the first map build on the
 * loaded 2-vCPU development VM, against 0.4 s without). Once JFR is up, every event class has a
 * static {@code enabled()} answered by a probe instance made once in the class's initializer:
 * {@code Event.isEnabled()} reads only the static configuration JFR installs in the (instrumented)
 * event class, so one shared instance answers for every thread, and an event object is made only
 * when the answer is yes. A disabled event costs its site those two checks, which the JIT inlines
 * to two static field loads and branches. No read path emits anything; on the write path only the
 * rare growth start and completion and the per-chunk ledger calls do. The one thing a growth
 * counts for its events, the writes it spanned, is counted only while a recording wants
 * {@code GrowthFinished}.
 *
 * <p>{@code docs/tophash.jfc} turns them all on (on top of the JDK's {@code default} settings).
 */
package io.tophash.events;
