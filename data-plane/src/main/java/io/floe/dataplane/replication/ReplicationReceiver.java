package io.floe.dataplane.replication;

import io.floe.core.partition.PartitionRole;
import io.floe.core.partition.PartitionState;
import io.floe.core.protocol.AppendBlock;
import io.floe.core.protocol.AppendCode;
import io.floe.core.protocol.AppendResult;
import io.floe.core.protocol.ReplicatedEntry;
import io.floe.core.protocol.Request.Append;
import io.floe.core.protocol.Response.AppendResults;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.table.HostedTable;
import io.floe.dataplane.table.TableRegistry;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The follower side of APPEND (replication.md §6): applies each block to its partition replica in
 * offset order, or says why not — an older term, a gap, a replica still loading, a divergent
 * suffix. Runs on the network thread of the leader's connection; a refill from S3 runs elsewhere
 * ({@link Replication#refill}).
 */
final class ReplicationReceiver {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicationReceiver.class);

  private final TableRegistry registry;
  private final Replication replication;

  ReplicationReceiver(TableRegistry registry, Replication replication) {
    this.registry = registry;
    this.replication = replication;
  }

  AppendResults onAppend(Append append) {
    List<AppendResult> results = new ArrayList<>(append.blocks().size());
    for (AppendBlock block : append.blocks()) {
      AppendResult result = apply(append.leader(), block);
      replication.stats().received(result.code());
      results.add(result);
    }
    return new AppendResults(results);
  }

  private AppendResult apply(String leader, AppendBlock b) {
    HostedTable table = registry.findById(b.tableId());
    Partition p = table == null ? null : table.partitionOrNull(b.partition());
    if (p == null || !(p.sink() instanceof ReplicatedSink sink)) {
      return result(b, AppendCode.NOT_READY, 0, 0);
    }
    synchronized (p) {
      return applyLocked(leader, b, p, sink.log());
    }
  }

  private AppendResult applyLocked(String leader, AppendBlock b, Partition p, ReplicaLog log) {
    long term = p.role().term();
    if (b.term() < term) {
      return result(b, AppendCode.STALE_TERM, term, p.offset());
    }
    if (p.role().state() != PartitionState.NORMAL) {
      return result(b, AppendCode.NOT_READY, term, p.offset());
    }
    if (p.role().role() == PartitionRole.LEADER) {
      if (b.term() == term) {
        // Two leaders of one term cannot be; refuse rather than mix their logs.
        return result(b, AppendCode.NOT_READY, term, p.offset());
      }
      replication.deposedBy(p, b.term(), leader);
    } else if (b.term() > term || p.role().prepared()) {
      p.becomeFollower(b.term(), replication.endpointOf(leader));
    }
    long offset = p.offset();
    if (log.verifiedTerm() < b.term()) {
      AppendCode check = checkAgainstNewTerm(b, p, log);
      if (check != AppendCode.OK) {
        if (check == AppendCode.DIVERGED) {
          LOG.warn(
              "partition {}/{}: entries up to {} (term {}) are not in the log of term {} (start"
                  + " {}); discarding them and refilling from S3",
              p.tableId(),
              p.id(),
              offset,
              p.lastTerm(),
              b.term(),
              b.termStart());
          replication.refill(p, b.term());
        }
        return result(b, check, b.term(), p.offset());
      }
      log.verified(b.term());
    }
    if (b.reload()) {
      replication.refill(p, b.term());
      return result(b, AppendCode.NOT_READY, b.term(), p.offset());
    }
    if (b.prevOffset() > offset && !b.entries().isEmpty()) {
      return result(b, AppendCode.GAP, b.term(), offset);
    }
    int applied = 0;
    for (ReplicatedEntry e : b.entries()) {
      if (e.offset() <= p.offset()) {
        continue;
      }
      if (e.offset() != p.offset() + 1) {
        replication.stats().applied(applied);
        return result(b, AppendCode.GAP, b.term(), p.offset());
      }
      p.applyReplicated(e.offset(), e.term(), e.timestamp(), e.delete(), e.key(), e.row());
      applied++;
    }
    replication.stats().applied(applied);
    log.shipped(Math.min(b.shippedOffset(), p.offset()));
    log.heardFromLeader(Math.max(b.prevOffset(), p.offset()));
    return result(b, AppendCode.OK, b.term(), p.offset());
  }

  /**
   * The first block of a newer term (replication.md §6.3): a replica whose entries run past the
   * term's start from an older term diverged; otherwise its last entry must come back in the block
   * (the anchor) with the same term before anything is applied.
   */
  private static AppendCode checkAgainstNewTerm(AppendBlock b, Partition p, ReplicaLog log) {
    long offset = p.offset();
    if (offset == 0) {
      return AppendCode.OK;
    }
    if (p.lastTerm() < b.term() && offset > b.termStart()) {
      return AppendCode.DIVERGED;
    }
    for (ReplicatedEntry e : b.entries()) {
      if (e.offset() == offset) {
        return e.term() == p.lastTerm() ? AppendCode.OK : AppendCode.DIVERGED;
      }
    }
    if (b.reload()) {
      return AppendCode.OK; // the refill brings what the leader's S3 history holds
    }
    return AppendCode.GAP; // send my last entry so that I can check it
  }

  private static AppendResult result(AppendBlock b, AppendCode code, long term, long offset) {
    return new AppendResult(b.tableId(), b.partition(), code, term, offset);
  }
}
