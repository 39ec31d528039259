package io.floe.dataplane.wal;

import java.util.concurrent.CompletableFuture;

/**
 * Durability {@code memory} on a node that ships its WAL: every write still goes to the shipper
 * (DESIGN.md §5) but is acknowledged as soon as it is applied.
 */
public final class AckOnApplySink implements WalSink {
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final WalSink shipper;

  public AckOnApplySink(WalSink shipper) {
    this.shipper = shipper;
  }

  @Override
  public void checkAccepting() {
    shipper.checkAccepting();
  }

  @Override
  public CompletableFuture<Void> append(WalEntry entry) {
    shipper.append(entry);
    return DONE;
  }
}
