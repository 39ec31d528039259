package io.floe.dataplane.table;

import io.floe.dataplane.partition.Partition;

/**
 * Fills a replica the node was just assigned before it serves: the one place where loading from S3
 * (snapshot, WAL ranges, tail) hooks in. It runs with the replica {@code LOADING} and its role and
 * term already set ({@code partition.role().term()}); it must end with {@link Partition#markNormal}
 * or throw, in which case the replica stays installed, offline with the reason and holding nothing,
 * and the error is reported in its status.
 */
@FunctionalInterface
public interface ReplicaLoader {

  void load(HostedTable table, Partition partition);

  /** No durable history yet: the replica starts empty. */
  ReplicaLoader EMPTY = (table, partition) -> partition.markNormal();
}
