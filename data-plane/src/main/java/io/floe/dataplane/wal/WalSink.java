package io.floe.dataplane.wal;

import java.util.concurrent.CompletableFuture;

/**
 * Where a partition hands every applied write, in offset order, under the partition's write lock.
 * The returned future completes when the entry is durable as the table's durability mode demands:
 * the node writes the client's acknowledgement only then. Futures of one partition MUST complete in
 * offset order, so waiting on the last entry of a batch covers the batch.
 *
 * <p>Implementations: {@link MemoryWalSink} (ack on apply) now; the S3 WAL shipper (group commit of
 * multiplexed WAL objects) and replication later.
 */
public interface WalSink extends AutoCloseable {
  CompletableFuture<Void> append(WalEntry entry);

  /**
   * Throws the error a write would get now, before anything is applied: a fenced stream ({@code
   * FENCED}) or a backlog of entries not yet durable ({@code MEMORY_LIMIT}).
   */
  default void checkAccepting() {}

  /**
   * An entry this replica applied as a follower (replication.md §6): not shipped by this node, but
   * kept where a sink can hand it on should this replica lead. Sinks without replication ignore it.
   */
  default void replicated(WalEntry entry) {}

  /**
   * The partition this sink serves was dropped from the node: what the sink holds for it alone is
   * given back. A sink shared by several partitions ignores it.
   */
  default void dropped() {}

  /** Makes everything appended so far durable, then stops taking entries. */
  @Override
  default void close() {}
}
