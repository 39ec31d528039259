package io.floe.dataplane.cluster;

import io.floe.core.catalog.CatalogTable;
import io.floe.core.catalog.TableState;
import io.floe.core.cluster.PartitionAssignment;
import io.floe.core.cluster.PartitionAssignment.Replica;
import io.floe.core.cluster.PartitionAssignment.ReplicaRole;
import io.floe.core.cluster.PartitionAssignmentParser;
import io.floe.core.cluster.TableDefinitionParser;
import io.floe.core.meta.MetaEntry;
import io.floe.core.meta.MetaKeys;
import io.floe.core.meta.MetaStore;
import io.floe.core.meta.MetaStoreConfig;
import io.floe.core.meta.MetaTxn;
import io.floe.core.meta.etcd.EtcdMetaStore;
import io.floe.core.table.Durability;
import io.floe.core.table.SchemaParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Writes desired state the way the control plane will, until it exists: create a table with every
 * partition assigned (round-robin leaders, term 1) in one transaction guarded by the absence of
 * every key it writes; move a partition's leader (term + 1) guarded by the assignment's revision;
 * reassign a partition's replicas; drop a table. Tests use it, and {@link #main} ({@code
 * floe-admin}) offers it to operators.
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
   * {@code floe-admin} commands, each with {@code --etcd URLS --cluster NAME}:
   *
   * <pre>
   * create-table --table db.t --tid N --schema FILE --partitions P --replicas R
   *              [--durability memory] --nodes a,b,c
   * move-leader  --tid N --partition P --node a
   * drop-table   --table db.t
   * </pre>
   */
  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      System.err.println(
          "usage: floe-admin create-table|move-leader|drop-table --etcd URLS --cluster NAME ...");
      System.exit(2);
    }
    Map<String, String> flags = flags(Arrays.copyOfRange(args, 1, args.length));
    MetaStoreConfig config =
        MetaStoreConfig.of(List.of(flags.getOrDefault("etcd", "http://127.0.0.1:2379").split(",")));
    try (MetaStore store = EtcdMetaStore.connect(config)) {
      AssignmentAdmin admin =
          new AssignmentAdmin(
              store, flags.getOrDefault("cluster", ClusterSettings.CLUSTER_DEFAULT));
      switch (args[0]) {
        case "create-table" -> {
          String[] name = required(flags, "table").split("\\.", 2);
          CatalogTable table =
              new CatalogTable(
                  Long.parseLong(required(flags, "tid")),
                  name[0],
                  name[1],
                  SchemaParser.fromJson(Files.readString(Path.of(required(flags, "schema")))),
                  Integer.parseInt(flags.getOrDefault("partitions", "1")),
                  Integer.parseInt(flags.getOrDefault("replicas", "1")),
                  Durability.fromJsonName(flags.getOrDefault("durability", "memory")),
                  OptionalLong.empty(),
                  TableState.ACTIVE,
                  OptionalLong.empty());
          admin
              .createTable(table, List.of(required(flags, "nodes").split(",")))
              .forEach(a -> System.out.println(PartitionAssignmentParser.toJson(a)));
        }
        case "move-leader" ->
            System.out.println(
                PartitionAssignmentParser.toJson(
                    admin.moveLeader(
                        Long.parseLong(required(flags, "tid")),
                        Integer.parseInt(required(flags, "partition")),
                        required(flags, "node"))));
        case "drop-table" -> admin.dropTable(required(flags, "table"));
        default -> {
          System.err.println("unknown command " + args[0]);
          System.exit(2);
        }
      }
    }
  }

  private static Map<String, String> flags(String[] args) {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --flag, found " + args[i]);
      }
      flags.put(args[i].substring(2), args[i + 1]);
    }
    return flags;
  }

  private static String required(Map<String, String> flags, String name) {
    String value = flags.get(name);
    if (value == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return value;
  }
}
