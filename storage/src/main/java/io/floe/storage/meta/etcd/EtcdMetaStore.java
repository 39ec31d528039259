package io.floe.storage.meta.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.kv.DeleteResponse;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.floe.storage.meta.LeaderElection;
import io.floe.storage.meta.Lease;
import io.floe.storage.meta.LeaseNotFoundException;
import io.floe.storage.meta.MetaEntry;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.meta.MetaStoreConfig;
import io.floe.storage.meta.MetaTxn;
import io.floe.storage.meta.MetaWatch;
import io.floe.storage.meta.PrefixRead;
import io.floe.storage.meta.WatchListener;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * {@link MetaStore} on etcd v3 through jetcd. Calls are bounded by the configured call timeout;
 * leases are kept alive by {@link EtcdLease}, watches resumed by {@link ResumingWatch}.
 */
public final class EtcdMetaStore implements MetaStore {
  private final MetaStoreConfig config;
  private final Client client;
  private final EtcdCalls calls;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService callbacks;
  private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();

  private EtcdMetaStore(MetaStoreConfig config) {
    this.config = config;
    this.client = buildClient(config);
    this.calls =
        new EtcdCalls(config.callTimeout(), String.join(",", config.endpoints()), config.retry());
    this.scheduler = Executors.newScheduledThreadPool(1, daemon("floe-etcd-timer"));
    this.callbacks = Executors.newCachedThreadPool(daemon("floe-etcd-callback"));
  }

  /** Creates a store for {@code config}. Does not contact etcd: the first call does. */
  public static EtcdMetaStore connect(MetaStoreConfig config) {
    return new EtcdMetaStore(config);
  }

  public MetaStoreConfig config() {
    return config;
  }

  @Override
  public Optional<MetaEntry> get(String key) {
    GetResponse response =
        calls.idempotent(() -> client.getKVClient().get(Bytes.of(key)), "get " + key);
    return response.getKvs().stream().findFirst().map(Bytes::entry);
  }

  @Override
  public PrefixRead getPrefix(String prefix) {
    GetOption option = GetOption.builder().isPrefix(true).build();
    GetResponse response =
        calls.idempotent(
            () -> client.getKVClient().get(Bytes.of(prefix), option), "get prefix " + prefix);
    List<MetaEntry> entries =
        response.getKvs().stream().map(Bytes::entry).collect(Collectors.toList());
    return new PrefixRead(entries, response.getHeader().getRevision());
  }

  @Override
  public long put(String key, byte[] value) {
    return calls
        .idempotent(() -> client.getKVClient().put(Bytes.of(key), Bytes.of(value)), "put " + key)
        .getHeader()
        .getRevision();
  }

  @Override
  public long put(String key, byte[] value, Lease lease) {
    PutOption option = PutOption.builder().withLeaseId(lease.id()).build();
    return calls
        .idempotent(
            () -> client.getKVClient().put(Bytes.of(key), Bytes.of(value), option),
            "put " + key + " with " + lease)
        .getHeader()
        .getRevision();
  }

  @Override
  public boolean delete(String key) {
    DeleteResponse response =
        calls.idempotent(() -> client.getKVClient().delete(Bytes.of(key)), "delete " + key);
    return response.getDeleted() > 0;
  }

  @Override
  public MetaTxn txn() {
    return new EtcdTxn(client.getKVClient(), calls);
  }

  @Override
  public Lease grantLease(Duration ttl) {
    long seconds = Math.max(1, (ttl.toMillis() + 999) / 1000);
    long sentNanos = System.nanoTime();
    LeaseGrantResponse granted =
        calls.idempotent(
            () -> client.getLeaseClient().grant(seconds), "grant a lease of " + seconds + "s");
    Duration actual = Duration.ofSeconds(granted.getTTL());
    EtcdLease lease =
        new EtcdLease(
            granted.getID(),
            actual,
            config.safetyMarginFor(actual),
            sentNanos,
            client.getLeaseClient(),
            calls,
            callbacks);
    lease.renewIfGrantWasSlow(System.nanoTime());
    open.add(lease);
    lease.start(scheduler);
    return lease;
  }

  @Override
  public boolean revokeLease(long leaseId) {
    try {
      calls.idempotent(
          () -> client.getLeaseClient().revoke(leaseId),
          "revoke lease " + Long.toHexString(leaseId));
      return true;
    } catch (LeaseNotFoundException e) {
      return false;
    }
  }

  @Override
  public MetaWatch watchPrefix(String prefix, long fromRevision, WatchListener listener) {
    ResumingWatch watch =
        new ResumingWatch(client.getWatchClient(), scheduler, prefix, fromRevision, listener);
    open.add(watch);
    watch.start();
    return watch;
  }

  @Override
  public LeaderElection election(String electionKey) {
    return new EtcdLeaderElection(
        electionKey, client.getElectionClient(), client.getKVClient(), calls, this, callbacks);
  }

  @Override
  public void compact(long revision) {
    calls.idempotent(
        () -> client.getKVClient().compact(revision), "compact up to revision " + revision);
  }

  @Override
  public void close() {
    for (AutoCloseable resource : open) {
      try {
        resource.close();
      } catch (Exception e) {
        // closing is best effort: the client goes away below anyway
      }
    }
    scheduler.shutdownNow();
    callbacks.shutdown();
    client.close();
  }

  private static Client buildClient(MetaStoreConfig config) {
    ClientBuilder builder =
        Client.builder()
            .endpoints(config.endpoints().toArray(String[]::new))
            .connectTimeout(config.connectTimeout())
            // Floe retries idempotent calls itself (EtcdCalls, etcd.retry.*): one mechanism.
            .retryMaxAttempts(0)
            .keepaliveTime(Duration.ofSeconds(5))
            .keepaliveTimeout(Duration.ofSeconds(3));
    if (!config.namespace().isEmpty()) {
      builder.namespace(Bytes.of(config.namespace()));
    }
    return builder.build();
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
