package io.floe.dataplane.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.partition.PartitionRole;
import io.floe.core.partition.PartitionState;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.table.HostedTable;
import io.floe.dataplane.table.TableHosting;
import io.floe.dataplane.table.TableRegistry;
import io.floe.dataplane.wal.WalSinks;
import io.floe.storage.catalog.CatalogTable;
import io.floe.storage.cluster.NodeRegistration;
import io.floe.storage.cluster.NodeRegistrationParser;
import io.floe.storage.cluster.PartitionAssignment;
import io.floe.storage.cluster.PartitionAssignment.Replica;
import io.floe.storage.cluster.PartitionAssignment.ReplicaRole;
import io.floe.storage.cluster.PartitionAssignmentParser;
import io.floe.storage.cluster.TableDefinitionParser;
import io.floe.storage.meta.MetaEntry;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Queue;
import org.junit.jupiter.api.Test;

/** Convergence from a desired state to hosted replicas, without etcd. */
class AssignmentConvergerTest {
  private static final MetaKeys KEYS = MetaKeys.forCluster("unit");

  private final TableRegistry registry = new TableRegistry();
  private final TableHosting hosting =
      new TableHosting(registry, new MemoryBudget(64L << 20), WalSinks.memoryOnly());
  private final DesiredState desired = new DesiredState();

  /** The loading pool and the agent's thread, run by hand to choose the order of events. */
  private final Queue<Runnable> loads = new ArrayDeque<>();

  private final Queue<Runnable> agent = new ArrayDeque<>();
  private final AssignmentConverger converger =
      new AssignmentConverger(
          "me",
          hosting,
          registry,
          loads::add,
          agent::add,
          () -> agent.add(() -> converger().converge(desired)));

  private AssignmentConverger converger() {
    return converger;
  }

  /** Runs every load started and every report of its end, until nothing is left to run. */
  private void settle() {
    while (!loads.isEmpty() || !agent.isEmpty()) {
      Runnable next = loads.isEmpty() ? agent.poll() : loads.poll();
      next.run();
    }
  }

  private void convergeAndSettle() {
    converger.converge(desired);
    settle();
  }

  private static MetaEntry entry(String key, byte[] value) {
    return new MetaEntry(key, value, 1, 1, 1, 0);
  }

  private void define(CatalogTable table, List<PartitionAssignment> assignments) {
    desired.resetTables(
        List.of(entry(KEYS.table(table.fullName()), TableDefinitionParser.toBytes(table))));
    List<MetaEntry> entries = new ArrayList<>();
    for (PartitionAssignment a : assignments) {
      entries.add(
          entry(KEYS.partition(a.tableId(), a.partition()), PartitionAssignmentParser.toBytes(a)));
    }
    desired.resetAssignments(entries);
    desired.resetNodes(
        List.of(
            entry(
                KEYS.node("other"),
                NodeRegistrationParser.toBytes(
                    new NodeRegistration("other", "10.0.0.2:7400", 1, 1, 1)))));
  }

  private static PartitionAssignment leaderHere(long tid, int pid, long term) {
    return new PartitionAssignment(
        tid,
        pid,
        term,
        "me",
        List.of(new Replica("me", ReplicaRole.LEADER), new Replica("other", ReplicaRole.FOLLOWER)),
        term);
  }

  @Test
  void aReplicaThatFailsToLoadDoesNotHoldUpTheOthersAndIsReported() {
    hosting.setLoader(
        (table, partition) -> {
          if (partition.id() == 1) {
            throw new IllegalStateException("snapshot of partition 1 is corrupt");
          }
          partition.markNormal();
        });
    CatalogTable t = ClusterNodes.table(3, "db.t", 3, 2);
    define(t, List.of(leaderHere(3, 0, 1), leaderHere(3, 1, 1), leaderHere(3, 2, 1)));
    convergeAndSettle();

    HostedTable hosted = registry.get("db.t");
    assertThat(hosted.partitionOrNull(0).role().writable()).isTrue();
    assertThat(hosted.partitionOrNull(2).role().writable()).isTrue();
    assertThat(converger.assigned().get("3/1").error())
        .hasValue("snapshot of partition 1 is corrupt");
    // Kept installed and offline (recovery.md §4): requests get the reason, not "not here".
    var failed = hosted.partitionOrNull(1);
    assertThat(failed.role().state()).isEqualTo(PartitionState.OFFLINE);
    assertThatThrownBy(() -> hosted.partition(1).get(new byte[] {1}))
        .isInstanceOf(FloeRequestException.class)
        .hasMessageContaining("offline on this node: snapshot of partition 1 is corrupt")
        .extracting(e -> ((FloeRequestException) e).code())
        .isEqualTo(ErrorCode.PARTITION_NOT_FOUND);

    // Idempotent: a later event changes nothing; the failed one waits for the agent's backoff.
    hosting.setLoader((table, partition) -> partition.markNormal());
    var p0 = hosted.partitionOrNull(0);
    convergeAndSettle();
    assertThat(hosted.partitionOrNull(0)).isSameAs(p0);
    assertThat(hosted.partitionOrNull(1)).isSameAs(failed);

    converger.retryFailed(desired);
    settle();
    assertThat(hosted.partitionOrNull(0)).isSameAs(p0);
    assertThat(hosted.partitionOrNull(1).role().writable()).isTrue();
    assertThat(converger.assigned().get("3/1").error()).isEmpty();
  }

  @Test
  void aReplicaIsLoadingUntilItsLoadEndsAndLoadsOnce() {
    CatalogTable t = ClusterNodes.table(5, "db.l", 2, 2);
    define(t, List.of(leaderHere(5, 0, 1), leaderHere(5, 1, 1)));
    converger.converge(desired);
    converger.converge(desired);

    assertThat(loads).as("one load per replica, both started at once").hasSize(2);
    var p0 = registry.get("db.l").partitionOrNull(0);
    assertThat(p0.role().state()).isEqualTo(PartitionState.LOADING);
    settle();
    assertThat(registry.get("db.l").partitionOrNull(0)).isSameAs(p0);
    assertThat(p0.role().writable()).isTrue();
  }

  @Test
  void aReplicaReleasedWhileLoadingDoesNotComeBack() {
    MemoryBudget budget = new MemoryBudget(64L << 20);
    TableHosting hostingWithBudget = new TableHosting(registry, budget, WalSinks.memoryOnly());
    AssignmentConverger c =
        new AssignmentConverger(
            "me", hostingWithBudget, registry, loads::add, agent::add, () -> {});
    hostingWithBudget.setLoader(
        (table, partition) -> {
          var buffer = partition.newLoadBuffer();
          buffer.snapshotRow(1, 1, new byte[] {1}, new byte[] {1, 2, 3});
          buffer.snapshotLoaded(1, 1);
          buffer.install();
          partition.markNormal();
        });
    CatalogTable t = ClusterNodes.table(6, "db.r", 1, 2);
    define(t, List.of(leaderHere(6, 0, 1)));
    c.converge(desired);
    HostedTable hosted = registry.get("db.r");
    var loadingReplica = hosted.partitionOrNull(0);

    desired.resetAssignments(List.of()); // no longer assigned here
    c.converge(desired);
    assertThat(hosted.partitionOrNull(0)).isNull();

    settle(); // the load ends after the release
    assertThat(hosted.partitionOrNull(0)).isNull();
    assertThat(loadingReplica.role().state()).isEqualTo(PartitionState.OFFLINE);
    assertThat(budget.used()).isZero();
    assertThat(c.assigned()).isEmpty();
  }

  @Test
  void aNewerTermMakesThisReplicaAFollowerOfTheRegisteredLeaderEndpoint() {
    CatalogTable t = ClusterNodes.table(4, "db.u", 1, 2);
    define(t, List.of(leaderHere(4, 0, 1)));
    convergeAndSettle();
    PartitionAssignment moved = leaderHere(4, 0, 1).withLeader("other");
    define(t, List.of(moved));
    convergeAndSettle();

    var p = registry.get("db.u").partitionOrNull(0);
    assertThat(p.role().role()).isEqualTo(PartitionRole.FOLLOWER);
    assertThat(p.role().term()).isEqualTo(2);
    assertThat(p.role().leaderEndpoint()).isEqualTo("10.0.0.2:7400");

    // A stale assignment (older term) is ignored.
    define(t, List.of(leaderHere(4, 0, 1)));
    convergeAndSettle();
    assertThat(p.role().role()).isEqualTo(PartitionRole.FOLLOWER);
  }

  @Test
  void undecodableValuesAreLeftOutAndTablesOfTheSeamAreNotTouched() {
    desired.resetTables(
        List.of(
            entry(
                KEYS.table("db.bad"), "{\"format-version\": 9}".getBytes(StandardCharsets.UTF_8))));
    desired.resetAssignments(List.of());
    desired.resetNodes(List.of());
    hosting.host(ClusterNodes.table(8, "db.seam", 1, 1));
    converger.converge(desired);
    assertThat(desired.tables()).isEmpty();
    assertThat(registry.all()).extracting(HostedTable::name).containsExactly("db.seam");
  }

  @Test
  void aGarbledValueInPlaceOfAGoodOneKeepsTheReplicaAndItsMemory() {
    CatalogTable t = ClusterNodes.table(9, "db.g", 1, 2);
    define(t, List.of(leaderHere(9, 0, 1)));
    convergeAndSettle();
    var replica = registry.get("db.g").partitionOrNull(0);
    assertThat(replica.role().writable()).isTrue();

    // An operator's hand edit cut both values short (etcdctl splits them at spaces).
    byte[] garbled = "{\"format-version\":1,\"table-id\":".getBytes(StandardCharsets.UTF_8);
    desired.onAssignmentEvent(
        new WatchEvent(WatchEvent.Type.PUT, entry(KEYS.partition(9, 0), garbled)));
    desired.onTableEvent(new WatchEvent(WatchEvent.Type.PUT, entry(KEYS.table("db.g"), garbled)));
    convergeAndSettle();
    assertThat(registry.get("db.g").partitionOrNull(0)).isSameAs(replica);
    assertThat(replica.role().writable()).isTrue();

    // The same after the watch is re-listed from scratch.
    desired.resetTables(List.of(entry(KEYS.table("db.g"), garbled)));
    desired.resetAssignments(List.of(entry(KEYS.partition(9, 0), garbled)));
    convergeAndSettle();
    assertThat(registry.get("db.g").partitionOrNull(0)).isSameAs(replica);

    // A good value goes on from there; a deleted key is gone.
    define(t, List.of(leaderHere(9, 0, 1).withLeader("other")));
    convergeAndSettle();
    assertThat(replica.role().role()).isEqualTo(PartitionRole.FOLLOWER);
    desired.resetAssignments(List.of());
    convergeAndSettle();
    assertThat(registry.all()).extracting(HostedTable::name).doesNotContain("db.g");
  }

  @Test
  void aTableIsHostedWithTheTtlOfItsDefinitionAndKeepsItWhenTheDefinitionChangesIt() {
    CatalogTable plain = ClusterNodes.table(4, "db.ttl", 1, 2);
    define(withTtl(plain, 60_000), List.of(leaderHere(4, 0, 1)));
    convergeAndSettle();
    HostedTable hosted = registry.get("db.ttl");
    assertThat(hosted.ttlMs()).hasValue(60_000);
    assertThat(hosted.partitionOrNull(0).expiry().applies()).isTrue();

    // spec.md §14.10: not applied while hosted, and nothing else of the table stops converging.
    define(withTtl(plain, 1_000), List.of(leaderHere(4, 0, 2)));
    convergeAndSettle();
    assertThat(registry.get("db.ttl")).isSameAs(hosted);
    assertThat(hosted.ttlMs()).hasValue(60_000);
    assertThat(hosted.partitionOrNull(0).role().term()).isEqualTo(2);
    assertThat(converger.assigned().get("4/0").error()).isEmpty();
  }

  private static CatalogTable withTtl(CatalogTable t, long ttlMs) {
    return new CatalogTable(
        t.tid(),
        t.db(),
        t.name(),
        t.schema(),
        t.partitions(),
        t.replicas(),
        t.durability(),
        OptionalLong.of(ttlMs),
        t.state(),
        t.dropTimeMs());
  }
}
