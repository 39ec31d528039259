package io.floe.storage.meta;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * An etcd election under one key (e.g. {@link MetaKeys#election}). The leader is the oldest
 * candidate whose lease is alive; when its lease dies, the next candidate takes over.
 */
public interface LeaderElection {

  /**
   * Campaigns as {@code candidate} with {@code lease}; completes when elected. {@code onLost} runs
   * once if leadership ends other than by {@link Leadership#resign()} (its lease was lost, or its
   * key deleted). Cancel the future to stop campaigning.
   */
  CompletableFuture<Leadership> campaign(String candidate, Lease lease, Runnable onLost);

  /** The current leader's candidate name, if any. */
  Optional<String> leader();

  /**
   * Calls {@code onChange} with the current leader now and after each change (empty when there is
   * none). Close the returned watch to stop.
   */
  MetaWatch observe(Consumer<Optional<String>> onChange);
}
