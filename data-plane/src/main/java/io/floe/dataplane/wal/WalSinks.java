package io.floe.dataplane.wal;

import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.table.Durability;
import java.util.EnumMap;
import java.util.Map;

/**
 * The sink for each durability mode this node can honour. A table whose mode has no sink is refused
 * rather than acknowledged on weaker terms than it asked for.
 */
public final class WalSinks implements AutoCloseable {
  private final Map<Durability, WalSink> sinks = new EnumMap<>(Durability.class);

  /** Only {@code memory}: the S3 shipper and replication register theirs when they exist. */
  public static WalSinks memoryOnly() {
    return new WalSinks().with(Durability.MEMORY, new MemoryWalSink());
  }

  public WalSinks with(Durability mode, WalSink sink) {
    sinks.put(mode, sink);
    return this;
  }

  public WalSink sinkFor(Durability mode) {
    WalSink sink = sinks.get(mode);
    if (sink == null) {
      throw new FloeRequestException(
          ErrorCode.INTERNAL,
          "durability '"
              + mode.jsonName()
              + "' is not available on this node (have "
              + sinks.keySet()
              + ")");
    }
    return sink;
  }

  /** Closes every sink: each flushes what it holds first. */
  @Override
  public void close() {
    sinks.values().forEach(WalSink::close);
  }
}
