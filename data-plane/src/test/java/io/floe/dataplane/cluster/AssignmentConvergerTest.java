package io.floe.dataplane.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.catalog.CatalogTable;
import io.floe.core.cluster.NodeRegistration;
import io.floe.core.cluster.NodeRegistrationParser;
import io.floe.core.cluster.PartitionAssignment;
import io.floe.core.cluster.PartitionAssignment.Replica;
import io.floe.core.cluster.PartitionAssignment.ReplicaRole;
import io.floe.core.cluster.PartitionAssignmentParser;
import io.floe.core.cluster.TableDefinitionParser;
import io.floe.core.meta.MetaEntry;
import io.floe.core.meta.MetaKeys;
import io.floe.core.partition.PartitionRole;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.table.HostedTable;
import io.floe.dataplane.table.TableHosting;
import io.floe.dataplane.table.TableRegistry;
import io.floe.dataplane.wal.WalSinks;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Convergence from a desired state to hosted replicas, without etcd. */
class AssignmentConvergerTest {
  private static final MetaKeys KEYS = MetaKeys.forCluster("unit");

  private final TableRegistry registry = new TableRegistry();
  private final TableHosting hosting =
      new TableHosting(registry, new MemoryBudget(64L << 20), WalSinks.memoryOnly());
  private final AssignmentConverger converger = new AssignmentConverger("me", hosting, registry);
  private final DesiredState desired = new DesiredState();

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
    converger.converge(desired);

    HostedTable hosted = registry.get("db.t");
    assertThat(hosted.partitionOrNull(0).role().writable()).isTrue();
    assertThat(hosted.partitionOrNull(1)).isNull();
    assertThat(hosted.partitionOrNull(2).role().writable()).isTrue();
    assertThat(converger.assigned().get("3/1").error())
        .hasValue("snapshot of partition 1 is corrupt");

    // Idempotent: the next run (a later event) retries the failed one and changes nothing else.
    hosting.setLoader((table, partition) -> partition.markNormal());
    var p0 = hosted.partitionOrNull(0);
    converger.converge(desired);
    assertThat(hosted.partitionOrNull(0)).isSameAs(p0);
    assertThat(hosted.partitionOrNull(1).role().writable()).isTrue();
    assertThat(converger.assigned().get("3/1").error()).isEmpty();
  }

  @Test
  void aNewerTermMakesThisReplicaAFollowerOfTheRegisteredLeaderEndpoint() {
    CatalogTable t = ClusterNodes.table(4, "db.u", 1, 2);
    define(t, List.of(leaderHere(4, 0, 1)));
    converger.converge(desired);
    PartitionAssignment moved = leaderHere(4, 0, 1).withLeader("other");
    define(t, List.of(moved));
    converger.converge(desired);

    var p = registry.get("db.u").partitionOrNull(0);
    assertThat(p.role().role()).isEqualTo(PartitionRole.FOLLOWER);
    assertThat(p.role().term()).isEqualTo(2);
    assertThat(p.role().leaderEndpoint()).isEqualTo("10.0.0.2:7400");

    // A stale assignment (older term) is ignored.
    define(t, List.of(leaderHere(4, 0, 1)));
    converger.converge(desired);
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
}
