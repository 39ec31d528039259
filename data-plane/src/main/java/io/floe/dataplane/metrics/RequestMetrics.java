package io.floe.dataplane.metrics;

import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.Opcode;
import io.floe.core.protocol.Response;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The data protocol's requests as the node answered them: {@code floe_requests_total} by opcode and
 * outcome ({@code OK} or the error code), counting every request, and {@code
 * floe_request_duration_seconds} by opcode, a histogram of the time from a frame's arrival to its
 * answer (for a write, once its durability mode is satisfied) over a sample of {@link #TIMED_EVERY
 * 1 in 8} requests. A frame whose opcode is unknown, or that was refused before it arrived whole,
 * counts as {@code UNKNOWN}.
 *
 * <p>This runs for every request on the I/O threads, whose own cost is 2.5–10 µs a request, so its
 * meters are found by array index, never by a lookup in the registry, and recording allocates
 * nothing: each is registered the first time it is needed, so that a scrape lists only the opcodes
 * and outcomes that happened. Timing is sampled because it is what costs: two clock reads (~28 ns
 * each under kvm-clock) and the timer's histogram, ~150 ns a request on one thread and ~600 ns when
 * two I/O threads update one timer back to back, against ~7 ns for the counter alone; one in eight
 * timed makes it ~25 ns a request (~76 ns in that contended worst case). Measured by {@code
 * RequestMetricsBench} in {@code load-tests}.
 */
public final class RequestMetrics {
  static final String REQUESTS = "floe.requests";
  static final String DURATION = "floe.request.duration";
  static final String UNKNOWN = "UNKNOWN";
  static final String OK = "OK";

  /** One request in this many is timed, per connection, the first one included. */
  public static final int TIMED_EVERY = 8;

  /** The arrival time of a request that is not timed. */
  public static final long UNTIMED = Long.MIN_VALUE;

  /** Upper bounds of the latency histogram's buckets: memory reads to {@code s3} group commits. */
  private static final Duration[] BUCKETS = {
    Duration.ofNanos(100_000),
    Duration.ofNanos(250_000),
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofNanos(2_500_000),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1)
  };

  private static final Opcode[] OPCODES = Opcode.values();
  private static final ErrorCode[] CODES = ErrorCode.values();

  /** Outcomes by index: 0 is {@code OK}, 1 + ordinal an error code. */
  private static final int OUTCOMES = CODES.length + 1;

  private final MeterRegistry registry;
  private final AtomicReferenceArray<Counter> counters =
      new AtomicReferenceArray<>((OPCODES.length + 1) * OUTCOMES);
  private final AtomicReferenceArray<Timer> durations =
      new AtomicReferenceArray<>(OPCODES.length + 1);

  public RequestMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Meters that record nowhere: for a server run outside a node (tests). */
  public static RequestMetrics unrecorded() {
    return new RequestMetrics(new CompositeMeterRegistry());
  }

  /**
   * When the {@code arrivals}-th request of a connection (from 0) arrived: now for one in {@link
   * #TIMED_EVERY}, else {@link #UNTIMED} without reading the clock.
   */
  public static long arrival(int arrivals) {
    return arrivals % TIMED_EVERY == 0 ? System.nanoTime() : UNTIMED;
  }

  /**
   * One request answered with {@code response}.
   *
   * @param opcode the request's opcode, or null when the frame's was unknown
   * @param arrivalNanos when its frame arrived ({@link #arrival}), or {@link #UNTIMED}
   */
  public void answered(Opcode opcode, Response response, long arrivalNanos) {
    int op = opcode == null ? OPCODES.length : opcode.ordinal();
    if (arrivalNanos != UNTIMED) {
      duration(op).record(System.nanoTime() - arrivalNanos, TimeUnit.NANOSECONDS);
    }
    int outcome = response instanceof Response.Error error ? 1 + error.code().ordinal() : 0;
    counter(op, outcome).increment();
  }

  // Two threads may both register a meter: the registry hands both the same one.

  private Counter counter(int op, int outcome) {
    int slot = op * OUTCOMES + outcome;
    Counter counter = counters.get(slot);
    if (counter == null) {
      counter =
          Counter.builder(REQUESTS)
              .description("Requests answered, by opcode and outcome (OK or the error code)")
              .tag("opcode", opcodeName(op))
              .tag("outcome", outcome == 0 ? OK : CODES[outcome - 1].name())
              .register(registry);
      counters.set(slot, counter);
    }
    return counter;
  }

  private Timer duration(int op) {
    Timer timer = durations.get(op);
    if (timer == null) {
      timer =
          Timer.builder(DURATION)
              .description(
                  "Time from a request's arrival to its answer, 1 request in "
                      + TIMED_EVERY
                      + " (floe_requests_total counts them all)")
              .tag("opcode", opcodeName(op))
              .serviceLevelObjectives(BUCKETS)
              .register(registry);
      durations.set(op, timer);
    }
    return timer;
  }

  private static String opcodeName(int op) {
    return op == OPCODES.length ? UNKNOWN : OPCODES[op].name();
  }
}
