package io.floe.dataplane.cluster;

import io.floe.core.table.Durability;
import io.floe.core.table.SchemaParser;
import io.floe.storage.catalog.CatalogTable;
import io.floe.storage.catalog.TableState;
import io.floe.storage.cluster.PartitionAssignment;
import io.floe.storage.cluster.PartitionAssignment.Replica;
import io.floe.storage.cluster.PartitionAssignment.ReplicaRole;
import io.floe.storage.cluster.PartitionAssignmentParser;
import io.floe.storage.cluster.TableDefinitionParser;
import io.floe.storage.meta.MetaEntry;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.meta.MetaStoreConfig;
import io.floe.storage.meta.MetaTxn;
import io.floe.storage.meta.etcd.EtcdMetaStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Writes desired state directly into etcd, without the control plane: create a table with every
 * partition assigned (round-robin leaders, term 1) in one transaction guarded by the absence of
 * every key it writes; move a partition's leader (term + 1) guarded by the assignment's revision;
 * reassign a partition's replicas; drop a table. Tests and the data-node benchmarks use it (they
 * measure nodes with no control plane running); operators use the control plane and {@code floe}.
 */
public final class AssignmentAdmin {
  private final MetaStore store;
  private final MetaKeys keys;

  public AssignmentAdmin(MetaStore store, String cluster) {
    this.store = store;
    this.keys = MetaKeys.forCluster(cluster);
  }

  /**
   * Creates {@code table} and assigns its partitions over {@code nodes}: partition {@code p} gets
   * {@code replicas} consecutive nodes from {@code nodes[p mod n]}, the first leading in term 1.
   *
   * @throws AssignmentConflictException if the table or any of its assignments exists
   */
  public List<PartitionAssignment> createTable(CatalogTable table, List<String> nodes) {
    if (nodes.size() < table.replicas()) {
      throw new IllegalArgumentException(
          table.replicas() + " replicas need as many nodes, given " + nodes);
    }
    String tableKey = keys.table(table.fullName());
    MetaTxn txn =
        store.txn().ifAbsent(tableKey).put(tableKey, TableDefinitionParser.toBytes(table));
    List<PartitionAssignment> assignments = new ArrayList<>();
    for (int pid = 0; pid < table.partitions(); pid++) {
      List<Replica> replicas = new ArrayList<>();
      for (int r = 0; r < table.replicas(); r++) {
        String node = nodes.get((pid + r) % nodes.size());
        replicas.add(new Replica(node, r == 0 ? ReplicaRole.LEADER : ReplicaRole.FOLLOWER));
      }
      PartitionAssignment a =
          new PartitionAssignment(table.tid(), pid, 1, replicas.get(0).node(), replicas, 1);
      String key = keys.partition(table.tid(), pid);
      txn.ifAbsent(key).put(key, PartitionAssignmentParser.toBytes(a));
      assignments.add(a);
    }
    if (!txn.commit().committed()) {
      throw new AssignmentConflictException(
          "table "
              + table.fullName()
              + " (tid "
              + table.tid()
              + ") or one of its partitions exists");
    }
    return assignments;
  }

  /** The current assignment of a partition. */
  public PartitionAssignment assignment(long tid, int pid) {
    return PartitionAssignmentParser.fromJson(read(keys.partition(tid, pid)).value());
  }

  /**
   * Makes {@code node} (a replica of the partition) its leader in the next term; the old leader
   * becomes a follower.
   */
  public PartitionAssignment moveLeader(long tid, int pid, String node) {
    String key = keys.partition(tid, pid);
    MetaEntry entry = read(key);
    PartitionAssignment current = PartitionAssignmentParser.fromJson(entry.value());
    if (current.replicaOn(node).isEmpty()) {
      throw new AssignmentConflictException(
          "node " + node + " holds no replica of partition " + tid + "/" + pid);
    }
    return write(key, entry, current.withLeader(node));
  }

  /**
   * Makes {@code node} leader in the next term after a cooperative hand-over (replication.md §7.3)
   * that left the old leader's stream at {@code point}: the new leader reads up to there and does
   * not seal the stream.
   */
  public PartitionAssignment handOver(
      long tid, int pid, String node, PartitionAssignment.HandOverPoint point) {
    String key = keys.partition(tid, pid);
    MetaEntry entry = read(key);
    PartitionAssignment current = PartitionAssignmentParser.fromJson(entry.value());
    if (current.replicaOn(node).isEmpty()) {
      throw new AssignmentConflictException(
          "node " + node + " holds no replica of partition " + tid + "/" + pid);
    }
    return write(key, entry, current.handedOverTo(node, point));
  }

  /**
   * Replaces the replicas of a partition by {@code nodes}, the first leading, in the next term. A
   * node left out releases its replica.
   */
  public PartitionAssignment reassign(long tid, int pid, List<String> nodes) {
    String key = keys.partition(tid, pid);
    MetaEntry entry = read(key);
    PartitionAssignment current = PartitionAssignmentParser.fromJson(entry.value());
    List<Replica> replicas = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      replicas.add(new Replica(nodes.get(i), i == 0 ? ReplicaRole.LEADER : ReplicaRole.FOLLOWER));
    }
    return write(
        key,
        entry,
        new PartitionAssignment(
            tid, pid, current.term() + 1, nodes.get(0), replicas, current.version() + 1));
  }

  /** Deletes a table's definition and assignments in one transaction: every node releases it. */
  public void dropTable(String fullName) {
    String tableKey = keys.table(fullName);
    MetaEntry entry = read(tableKey);
    CatalogTable table = TableDefinitionParser.fromJson(entry.value());
    MetaTxn txn = store.txn().ifModRevision(tableKey, entry.modRevision()).delete(tableKey);
    for (int pid = 0; pid < table.partitions(); pid++) {
      txn.delete(keys.partition(table.tid(), pid));
    }
    if (!txn.commit().committed()) {
      throw new AssignmentConflictException("table " + fullName + " changed while dropping it");
    }
  }

  private PartitionAssignment write(String key, MetaEntry read, PartitionAssignment next) {
    boolean done =
        store
            .txn()
            .ifModRevision(key, read.modRevision())
            .put(key, PartitionAssignmentParser.toBytes(next))
            .commit()
            .committed();
    if (!done) {
      throw new AssignmentConflictException(key + " changed meanwhile; read it again");
    }
    return next;
  }

  private MetaEntry read(String key) {
    return store.get(key).orElseThrow(() -> new AssignmentConflictException("no such key " + key));
  }

  /**
   * {@code floe-admin}: see {@link AdminCommandLine#USAGE}. Exit code 2 for a bad command line, 1
   * when etcd refuses the change.
   */
  public static void main(String[] args) throws IOException {
    if (AdminCommandLine.isHelp(args)) {
      System.out.print(AdminCommandLine.USAGE);
      return;
    }
    AdminCommandLine.Parsed command;
    try {
      command = AdminCommandLine.parse(args);
    } catch (AdminCommandLine.UsageException e) {
      System.err.println("floe-admin: " + e.getMessage());
      System.err.println();
      System.err.print(AdminCommandLine.USAGE);
      System.exit(2);
      return;
    }
    try {
      run(command);
    } catch (AdminCommandLine.UsageException e) {
      System.err.println("floe-admin: " + e.getMessage() + " (floe-admin --help for usage)");
      System.exit(2);
    } catch (AssignmentConflictException | IllegalArgumentException e) {
      System.err.println("floe-admin: " + e.getMessage());
      System.exit(1);
    }
  }

  private static void run(AdminCommandLine.Parsed command) throws IOException {
    MetaStoreConfig config =
        MetaStoreConfig.of(List.of(command.get("etcd", AdminCommandLine.ETCD_DEFAULT).split(",")));
    try (MetaStore store = EtcdMetaStore.connect(config)) {
      AssignmentAdmin admin =
          new AssignmentAdmin(store, command.get("cluster", ClusterSettings.CLUSTER_DEFAULT));
      switch (command.command()) {
        case "create-table" -> {
          admin
              .createTable(table(command), List.of(command.required("nodes").split(",")))
              .forEach(a -> System.out.println(PartitionAssignmentParser.toJson(a)));
        }
        case "move-leader" ->
            System.out.println(
                PartitionAssignmentParser.toJson(
                    admin.moveLeader(
                        command.longValue("tid", 0),
                        command.intValue("partition", 0),
                        command.required("node"))));
        case "drop-table" -> admin.dropTable(command.required("table"));
        default -> throw new AdminCommandLine.UsageException("unknown command " + command);
      }
    }
  }

  private static Durability durability(String name) {
    try {
      return Durability.fromJsonName(name);
    } catch (RuntimeException e) {
      throw new AdminCommandLine.UsageException(
          "--durability must be memory or s3, not '" + name + "'");
    }
  }

  private static CatalogTable table(AdminCommandLine.Parsed command) throws IOException {
    String[] name = command.required("table").split("\\.", 2);
    if (name.length != 2 || name[0].isEmpty() || name[1].isEmpty()) {
      throw new AdminCommandLine.UsageException(
          "--table must be DB.TABLE, not '" + command.required("table") + "'");
    }
    return new CatalogTable(
        command.longValue("tid", 0),
        name[0],
        name[1],
        SchemaParser.fromJson(Files.readString(Path.of(command.required("schema")))),
        command.intValue("partitions", 1),
        command.intValue("replicas", 1),
        durability(command.get("durability", "memory")),
        OptionalLong.empty(),
        TableState.ACTIVE,
        OptionalLong.empty());
  }
}
