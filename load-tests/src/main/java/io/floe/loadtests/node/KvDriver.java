package io.floe.loadtests.node;

import java.util.concurrent.CompletionStage;

/**
 * One key-value store as the benchmark drives it: puts and gets of a long key and a byte value,
 * asynchronous so that one driver carries many requests in flight. Both stores get the same keys,
 * values and concurrency.
 */
interface KvDriver extends AutoCloseable {
  String name();

  CompletionStage<?> put(long key, byte[] value);

  CompletionStage<?> get(long key);

  /** Writes every key in {@code [0, keys)} so that gets hit. */
  void preload(int keys, byte[] value);

  @Override
  void close();
}
