package io.floe.client.impl;

import io.floe.core.protocol.NotLeaderException;
import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import java.util.ArrayList;
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
    return leader.isEmpty() ? seedFor(pid) : leader;
  }

  /** The seed a partition with no known leader goes to: one not suspected, if any. */
  private String seedFor(int pid) {
    int n = seeds.size();
    int first = Math.floorMod(pid, n);
    for (int i = 0; i < n; i++) {
      String seed = seeds.get((first + i) % n);
      if (!requests.suspected(seed)) {
        return seed;
      }
    }
    return seeds.get(first);
  }

  /**
   * What a fresh description says of a silent node: why it no longer leads a partition it was
   * routed for ({@code moved}: another node is named leader; null if none), and whether it leads
   * any partition of the table (true when no description came: not known).
   */
  record Look(String moved, boolean leads) {}

  /** {@code endpoint} fell silent: describes the table again (other seeds first) and says so. */
  CompletableFuture<Look> recheck(String endpoint) {
    String[] before = leaders;
    return refresh()
        .handle(
            (description, error) -> {
              if (description == null) {
                return new Look(null, true);
              }
              List<String> after = description.leaders();
              boolean leads = after.contains(endpoint);
              for (int pid = 0; pid < before.length && pid < after.size(); pid++) {
                String now = after.get(pid);
                if (before[pid].equals(endpoint) && !now.isEmpty() && !now.equals(endpoint)) {
                  return new Look(
                      "the description of "
                          + table
                          + " names "
                          + now
                          + " leader of partition "
                          + pid,
                      leads);
                }
              }
              return new Look(null, leads);
            });
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
  void unreachable(int pid, boolean silent) {
    String[] current = leaders;
    if (silent && pid < current.length && !current[pid].isEmpty()) {
      requests.suspect(current[pid]);
    }
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
    // Each refresh starts at the next seed, and asks suspected ones last: one that is down (or
    // stopped, answering nothing until the deadline) does not hold up every refresh.
    int n = seeds.size();
    int first = Math.floorMod(rotation.getAndIncrement(), n);
    List<String> order = new ArrayList<>(n);
    List<String> suspected = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String seed = seeds.get((first + i) % n);
      (requests.suspected(seed) ? suspected : order).add(seed);
    }
    order.addAll(suspected);
    return describeFrom(order, 0);
  }

  private CompletableFuture<Response.TableDescription> describeFrom(List<String> order, int next) {
    return requests
        .send(order.get(next), 0, new Request.DescribeTable(table))
        .thenApply(r -> adopt((Response.TableDescription) r))
        .exceptionallyCompose(
            error ->
                next + 1 < order.size()
                    ? describeFrom(order, next + 1)
                    : CompletableFuture.failedFuture(error));
  }

  private Response.TableDescription adopt(Response.TableDescription description) {
    leaders = description.leaders().toArray(String[]::new);
    return description;
  }
}
