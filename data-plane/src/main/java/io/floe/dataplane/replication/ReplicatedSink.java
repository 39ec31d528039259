package io.floe.dataplane.replication;

import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.table.Durability;
import io.floe.dataplane.wal.WalEntry;
import io.floe.dataplane.wal.WalSink;
import java.util.concurrent.CompletableFuture;

/**
 * The sink of one partition of a replicated table (replication.md §5.1): every entry the leader
 * applies goes to the node's WAL shipper (when the node has S3) and to the partition's {@link
 * ReplicaLog}, from where the {@link Replicator} streams it to the followers. The table's mode only
 * decides when the client hears: {@code memory} at once, {@code replicated} when a majority applied
 * it, {@code s3} when it is in S3 and a majority applied it.
 */
public final class ReplicatedSink implements WalSink {
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final ReplicaLog log;
  private final WalSink shipper;
  private final Durability mode;
  private final Replicator replicator;

  // Under the partition's write lock: the shipper's future of the flush being gathered and the
  // highest offset handed to it, so that one callback per flush (not per entry) moves the shipped
  // offset.
  private CompletableFuture<Void> gathering;
  private long[] gatheredUpTo;

  /**
   * @param shipper the node's WAL shipper, or null on a node without S3 (entries then count as
   *     shipped when applied: nothing can ever be fetched from S3)
   */
  public ReplicatedSink(ReplicaLog log, WalSink shipper, Durability mode, Replicator replicator) {
    this.log = log;
    this.shipper = shipper;
    this.mode = mode;
    this.replicator = replicator;
  }

  public ReplicaLog log() {
    return log;
  }

  @Override
  public void checkAccepting() {
    if (!log.leading()) {
      // Leading in the role but replication not started yet (a promotion's last step): a moment.
      throw new FloeRequestException(
          ErrorCode.PARTITION_LOADING,
          "partition " + log.partition() + " is starting replication; retry shortly");
    }
    if (shipper != null) {
      shipper.checkAccepting();
    }
    if (mode != Durability.MEMORY && log.uncommittedBytes() >= log.retainBytes()) {
      throw new FloeRequestException(
          ErrorCode.MEMORY_LIMIT,
          "replication backlog: followers are not acknowledging partition "
              + log.partition()
              + " ("
              + log.uncommittedBytes()
              + " bytes waiting for a majority, limit replication.retain-bytes = "
              + log.retainBytes()
              + ")");
    }
  }

  @Override
  public CompletableFuture<Void> append(WalEntry entry) {
    CompletableFuture<Void> inS3 = ship(entry);
    log.add(entry);
    if (shipper == null) {
      log.shipped(entry.offset());
    }
    CompletableFuture<Void> majority =
        mode == Durability.MEMORY ? DONE : log.majorityOf(entry.offset());
    replicator.wake(log);
    return switch (mode) {
      case MEMORY -> DONE;
      case REPLICATED -> majority;
      case S3 -> majority.isDone() ? inS3 : CompletableFuture.allOf(inS3, majority);
    };
  }

  /** Hands the entry to the shipper; the shipped offset moves when its flush lands. */
  private CompletableFuture<Void> ship(WalEntry entry) {
    if (shipper == null) {
      return DONE;
    }
    CompletableFuture<Void> flush = shipper.append(entry);
    if (flush != gathering) {
      gathering = flush;
      long[] upTo = {entry.offset()};
      gatheredUpTo = upTo;
      flush.thenRun(() -> log.shipped(upTo[0]));
    } else {
      gatheredUpTo[0] = entry.offset();
    }
    return flush;
  }

  /** A follower keeps what it applied until the leader says it is in S3 (§6.4). */
  @Override
  public void replicated(WalEntry entry) {
    log.add(entry);
  }

  @Override
  public void dropped() {
    log.release();
  }

  /** Hands an entry held from another term to the shipper: a promoted leader's catch-up (§7.2). */
  public CompletableFuture<Void> reship(WalEntry entry) {
    return ship(entry);
  }
}
