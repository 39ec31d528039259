package io.floe.client.impl;

import io.floe.core.protocol.NotLeaderException;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where each partition of a table is led: from the node's description, corrected by the leader a
 * {@code NOT_LEADER} names, or re-described when it names none. A partition with no known leader
 * goes to the first seed, whose answer tells more.
 */
final class TableRouting {
  private final String table;
  private final List<String> seeds;
  private final Requests requests;
  private volatile String[] leaders = new String[0];
  private final AtomicInteger rotation = new AtomicInteger();
  private volatile CompletableFuture<Void> ready = CompletableFuture.completedFuture(null);

  TableRouting(String table, List<String> seeds, Requests requests) {
    this.table = table;
    this.seeds = seeds;
    this.requests = requests;
  }

  List<String> seeds() {
    return seeds;
  }

  int partitions() {
    return leaders.length;
  }

  String endpoint(int pid) {
    String[] current = leaders;
    String leader = pid < current.length ? current[pid] : "";
    return leader.isEmpty() ? seeds.get(Math.floorMod(pid, seeds.size())) : leader;
  }

  /** Completes when no refresh is under way. */
  CompletableFuture<Void> ready() {
    return ready;
  }

  void notLeader(int pid, NotLeaderException e) {
    if (!e.leaderEndpoint().isEmpty()) {
      String[] updated = leaders.clone();
      updated[pid] = e.leaderEndpoint();
      leaders = updated;
    } else {
      ready = refresh().handle((d, error) -> null);
    }
  }

  /**
   * The leader of {@code pid} could not be reached (refused, reset, timed out): it may be dead and
   * the partition failed over. Forget it and describe the table again, unless a description is
   * already on its way.
   */
  void unreachable(int pid) {
    String[] current = leaders;
    if (pid < current.length && !current[pid].isEmpty()) {
      String[] updated = current.clone();
      updated[pid] = "";
      leaders = updated;
    }
    if (ready.isDone()) {
      ready = refresh().handle((d, error) -> null);
    }
  }

  /** Asks the seeds in turn for the table's description and adopts its leaders. */
  CompletableFuture<Response.TableDescription> refresh() {
    // Each refresh starts at the next seed: one that is down (or stopped, answering nothing until
    // the deadline) does not hold up every refresh.
    return describeFrom(Math.floorMod(rotation.getAndIncrement(), seeds.size()), 0);
  }

  private CompletableFuture<Response.TableDescription> describeFrom(int seed, int tried) {
    return requests
        .send(seeds.get(seed), 0, new Request.DescribeTable(table))
        .thenApply(r -> adopt((Response.TableDescription) r))
        .exceptionallyCompose(
            error ->
                tried + 1 < seeds.size()
                    ? describeFrom((seed + 1) % seeds.size(), tried + 1)
                    : CompletableFuture.failedFuture(error));
  }

  private Response.TableDescription adopt(Response.TableDescription description) {
    leaders = description.leaders().toArray(String[]::new);
    return description;
  }
}
