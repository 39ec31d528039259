package io.floe.dataplane.replication;

import io.floe.core.partition.PartitionRole;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FencedException;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.protocol.NotLeaderException;
import io.floe.core.protocol.Request.Append;
import io.floe.core.protocol.Request.HandOver;
import io.floe.core.protocol.Response;
import io.floe.core.protocol.Response.AppendResults;
import io.floe.core.table.Durability;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.table.HostedTable;
import io.floe.dataplane.table.TableRegistry;
import io.floe.dataplane.wal.WalShipper;
import io.floe.dataplane.wal.WalSink;
import io.netty.channel.EventLoopGroup;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replication on one node (replication.md): the sinks of replicated partitions, the {@link
 * Replicator} that streams what this node leads, the {@link ReplicationReceiver} that applies what
 * it follows, and the transitions between the two — leading, following, deposed, refilling from S3.
 */
public final class Replication implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Replication.class);

  /** How a follower refills from S3: load without sealing or committing (replication.md §6.2). */
  public interface FollowerLoader {
    void load(HostedTable table, Partition partition);
  }

  private final String nodeId;
  private final ReplicationSettings settings;
  private final WalShipper shipper;
  private final Replicator replicator;
  private final ReplicationReceiver receiver;
  private final ReplicationStats stats = new ReplicationStats();
  private final RetainedTails retainedTails;
  private final Map<ReplicaLog, Partition> led = new ConcurrentHashMap<>();
  private final Set<Partition> refilling = ConcurrentHashMap.newKeySet();
  private final TableRegistry registry;
  private volatile Executor loads = Runnable::run;
  private volatile FollowerLoader followerLoader = (table, partition) -> partition.markNormal();
  private volatile Function<String, String> endpoints = node -> "";
  private volatile java.util.function.Consumer<Partition> onPrepared = p -> {};
  private final ScheduledExecutorService timer;

  /**
   * @param io the node's I/O threads, where the connections to followers run
   * @param shipper the node's WAL shipper, or null without S3
   */
  public Replication(
      String nodeId,
      EventLoopGroup io,
      ReplicationSettings settings,
      WalShipper shipper,
      TableRegistry registry) {
    this.nodeId = nodeId;
    this.settings = settings;
    this.retainedTails = new RetainedTails(settings.retainNodeBytes(), settings.retainTime());
    this.shipper = shipper;
    this.registry = registry;
    this.replicator = new Replicator(nodeId, io, settings, this::onDeposed);
    this.receiver = new ReplicationReceiver(registry, this);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "floe-handover-" + nodeId);
              t.setDaemon(true);
              return t;
            });
  }

  /** Where refills run and how they load; how node ids become endpoints (the cluster agent's). */
  public void configure(
      Executor loads, FollowerLoader followerLoader, Function<String, String> endpoints) {
    this.loads = loads;
    this.followerLoader = followerLoader;
    this.endpoints = endpoints;
  }

  /** Called after each PREPARE_TERM a replica took (it may be promoted next). */
  public void onPrepared(java.util.function.Consumer<Partition> hook) {
    this.onPrepared = hook;
  }

  public ReplicationSettings settings() {
    return settings;
  }

  /** The sink of a partition of a table with {@code replicas} replicas in {@code mode}. */
  public WalSink sinkFor(long tableId, int pid, Durability mode) {
    return new ReplicatedSink(
        new ReplicaLog(
            tableId,
            pid,
            settings.retainBytes(),
            settings.isolationTimeout(),
            stats,
            retainedTails),
        shipper,
        mode,
        replicator);
  }

  /** What replication did on this node since it started (for the metrics). */
  public ReplicationStats stats() {
    return stats;
  }

  /** APPEND, on the network thread of the leader's connection. */
  public AppendResults onAppend(Append append) {
    return receiver.onAppend(append);
  }

  String endpointOf(String node) {
    String e = endpoints.apply(node);
    return e == null ? "" : e;
  }

  // ---- transitions -------------------------------------------------------------------------

  /**
   * {@code p} leads its term (its role says so and it serves): stream to {@code followers} (node id
   * → endpoint), the other replicas the assignment names.
   */
  public void lead(Partition p, Map<String, String> followers) {
    ReplicaLog log = logOf(p);
    if (log == null) {
      return;
    }
    log.lead(p.role().term(), p.offset(), followers.keySet().stream().sorted().toList());
    led.put(log, p);
    replicator.lead(log, followers);
  }

  /** {@code p} no longer leads (a newer term names another leader, or it was released). */
  public void stopLeading(Partition p, long newTerm) {
    ReplicaLog log = logOf(p);
    if (log == null) {
      return;
    }
    led.remove(log);
    replicator.stop(log);
    if (log.leading()) {
      log.stopLeading(
          new FencedException(
              "partition " + p.id() + " is led by another replica from term " + newTerm, newTerm));
    }
  }

  /** PREPARE_TERM: stops leading at once, then moves the replica to {@code term}. */
  public Partition.Prepared prepare(Partition p, long term) {
    Partition.Prepared prepared = p.prepare(term);
    if (p.role().role() != PartitionRole.LEADER) {
      stopLeading(p, term);
    }
    onPrepared.accept(p);
    return prepared;
  }

  /**
   * HAND_OVER (replication.md §4.4): stops the partition's writes, waits until {@code target} has
   * applied every entry and S3 holds them all, and answers the last offset and the last sequence of
   * this node's stream that may hold them. Past {@code replication.handover-timeout} writes resume
   * and the answer is {@code PARTITION_LOADING}; so it is at once, writes never stopped, for a
   * target that has not answered this leader lately.
   */
  public CompletableFuture<Response> handOver(HandOver request, TableRegistry tables) {
    Partition p = tables.get(request.table()).partition(request.partition());
    ReplicaLog log = logOf(p);
    if (p.role().role() != PartitionRole.LEADER || log == null || !log.leading()) {
      throw new NotLeaderException(
          "this node does not lead partition " + request.partition(), p.role().leaderEndpoint());
    }
    if (request.term() != p.role().term()) {
      throw new FencedException(
          "partition " + request.partition() + " is led in term " + p.role().term(),
          p.role().term());
    }
    if (!log.followerNodes().contains(request.target())) {
      throw new FloeRequestException(
          ErrorCode.MALFORMED_REQUEST,
          "target: '"
              + request.target()
              + "' is not a follower of partition "
              + request.partition());
    }
    if (!log.answeredLately(request.target(), System.nanoTime())) {
      // It could not catch up: stopping writes would only hold them for the whole timeout.
      throw handOverRefused(
          request,
          "it has not answered this leader for "
              + settings.isolationTimeout().toMillis()
              + " ms; writes not stopped");
    }
    long last = p.handOver(endpointOf(request.target()));
    long deadline = System.nanoTime() + settings.handoverTimeout().toNanos();
    CompletableFuture<Response> answer = new CompletableFuture<>();
    Runnable check =
        new Runnable() {
          @Override
          public void run() {
            boolean caughtUp = log.ackedBy(request.target()) >= last;
            boolean inS3 = shipper == null || log.shippedOffset() >= last;
            if (p.offset() != last) {
              // Writes went on after the stop: the target would start at an offset before them.
              p.handOver(null);
              answer.completeExceptionally(
                  handOverRefused(
                      request, "writes resumed past offset " + last + "; not handed over"));
            } else if (caughtUp && inS3) {
              long lastSeq = shipper == null ? 0 : shipper.nextSeq() - 1;
              answer.complete(new Response.HandedOver(last, lastSeq));
            } else if (System.nanoTime() > deadline || p.role().role() != PartitionRole.LEADER) {
              p.handOver(null);
              answer.completeExceptionally(
                  handOverRefused(
                      request,
                      "the target did not catch up to offset "
                          + last
                          + " in "
                          + settings.handoverTimeout().toMillis()
                          + " ms; writes resumed"));
            } else {
              timer.schedule(this, 2, TimeUnit.MILLISECONDS);
            }
          }
        };
    timer.execute(check);
    return answer;
  }

  /** A hand-over that did not happen ({@code PARTITION_LOADING}): nothing changed. */
  private static FloeRequestException handOverRefused(HandOver request, String why) {
    return new FloeRequestException(
        ErrorCode.PARTITION_LOADING,
        "hand-over of partition " + request.partition() + " to " + request.target() + ": " + why);
  }

  /** A follower answered with a newer term: this node's leadership of the partition is over. */
  private void onDeposed(ReplicaLog log, long newerTerm) {
    Partition p = led.get(log);
    if (p == null) {
      return;
    }
    LOG.warn(
        "partition {}/{}: a replica is at term {}, this node (term {}) is deposed",
        p.tableId(),
        p.id(),
        newerTerm,
        p.role().term());
    try {
      p.prepare(newerTerm);
    } catch (IllegalArgumentException e) {
      // already past it
    }
    stopLeading(p, newerTerm);
  }

  /** An APPEND of a newer term reached a replica that still leads (the receiver holds its lock). */
  void deposedBy(Partition p, long newerTerm, String leader) {
    p.becomeFollower(newerTerm, endpointOf(leader));
    ReplicaLog log = logOf(p);
    if (log != null) {
      led.remove(log);
      loads.execute(() -> stopLeading(p, newerTerm));
    }
  }

  /**
   * Discards the replica's memory and refills it from S3, then it reports its offset to the leader
   * (replication.md §6.2). At most one refill per replica runs at a time.
   */
  void refill(Partition p, long term) {
    if (!refilling.add(p)) {
      return;
    }
    p.markLoading();
    HostedTable table = registry.findById(p.tableId());
    try {
      loads.execute(
          () -> {
            try {
              if (table != null) {
                followerLoader.load(table, p);
              }
              ReplicaLog log = logOf(p);
              if (log != null) {
                log.refilled(term, p.offset(), p.lastEntry());
              }
              p.markNormal();
              LOG.info(
                  "partition {}/{}: refilled from S3 to offset {}",
                  p.tableId(),
                  p.id(),
                  p.offset());
            } catch (RuntimeException e) {
              LOG.warn("partition {}/{}: refill failed: {}", p.tableId(), p.id(), e.getMessage());
            } finally {
              refilling.remove(p);
            }
          });
    } catch (RejectedExecutionException e) {
      refilling.remove(p);
    }
  }

  /** The replication log of {@code p}, or null when its table is not replicated. */
  public static ReplicaLog logOf(Partition p) {
    return p.sink() instanceof ReplicatedSink sink ? sink.log() : null;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    replicator.close();
  }
}
