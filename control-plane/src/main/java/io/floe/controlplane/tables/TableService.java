package io.floe.controlplane.tables;

import io.floe.controlplane.ControlException;
import io.floe.controlplane.ControlException.Problem;
import io.floe.controlplane.cluster.ClusterView;
import io.floe.controlplane.cluster.ClusterView.Assigned;
import io.floe.controlplane.cluster.Placement;
import io.floe.core.table.Durability;
import io.floe.core.table.Schema;
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
import io.floe.storage.meta.MetaTxn;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Table DDL (issue 10 §2): create places every partition's replicas at once and writes the
 * definition, the assignments and the table-id counter in one transaction guarded by what it read,
 * so two creates never share an id or a name; drop is soft — the definition moves to {@code
 * dropped/{tid}} with its drop time and the assignments go, so nodes release the memory while the
 * S3 objects stay — and undrop places the table again (nodes load it from S3). Each one then
 * commits a catalog version in S3 ({@link CatalogPublisher}).
 */
public final class TableService {
  private static final Logger LOG = LoggerFactory.getLogger(TableService.class);
  public static final int MAX_PARTITIONS = 4096;
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  private final MetaStore store;
  private final MetaKeys keys;
  private final LongSupplier clock;
  private final Optional<CatalogPublisher> catalog;

  /**
   * @param catalog writes the catalog to S3 after every DDL (spec.md §9); empty on a control plane
   *     configured without S3
   */
  public TableService(
      MetaStore store, MetaKeys keys, LongSupplier clock, Optional<CatalogPublisher> catalog) {
    this.store = store;
    this.keys = keys;
    this.clock = clock;
    this.catalog = catalog;
  }

  /**
   * After a DDL committed in etcd: the catalog in S3 follows. A failure here does not undo the DDL
   * (etcd holds it); the leader's periodic pass writes the catalog once S3 answers again.
   */
  private CatalogTable published(CatalogTable changed, String what) {
    catalog.ifPresent(
        c -> {
          try {
            c.publish();
          } catch (RuntimeException e) {
            LOG.warn(
                "{} {}: done, but the catalog in S3 could not be written yet ({}); the control"
                    + " plane retries it",
                what,
                changed.fullName(),
                e.toString());
          }
        });
    return changed;
  }

  /** What a create asks for; the table id is chosen here. */
  public record CreateRequest(
      String name,
      Schema schema,
      int partitions,
      int replicas,
      Optional<Durability> durability,
      OptionalLong ttlMs) {}

  public CatalogTable create(CreateRequest req) {
    String[] dbAndName = splitName(req.name());
    if (req.partitions() < 1 || req.partitions() > MAX_PARTITIONS) {
      throw new ControlException(
          Problem.INVALID_ARGUMENT,
          "partitions must be 1.." + MAX_PARTITIONS + ", got " + req.partitions());
    }
    if (req.replicas() < 1) {
      throw new ControlException(
          Problem.INVALID_ARGUMENT, "replicas must be at least 1, got " + req.replicas());
    }
    if (req.ttlMs().isPresent() && req.ttlMs().getAsLong() <= 0) {
      throw new ControlException(
          Problem.INVALID_ARGUMENT, "ttl-ms must be positive, got " + req.ttlMs().getAsLong());
    }
    Durability durability =
        req.durability().orElse(req.replicas() > 1 ? Durability.REPLICATED : Durability.MEMORY);
    if (durability == Durability.REPLICATED && req.replicas() < 2) {
      throw new ControlException(
          Problem.INVALID_ARGUMENT, "durability replicated needs 2 or more replicas");
    }
    for (int attempt = 0; attempt < 10; attempt++) {
      ClusterView view = ClusterView.read(store, keys);
      if (view.table(req.name()).isPresent()) {
        throw new ControlException(Problem.TABLE_EXISTS, "table " + req.name() + " exists");
      }
      Placement placement;
      List<List<String>> placed;
      try {
        placement = new Placement(view.nodes().keySet(), load(view));
        placed = placement.place(req.partitions(), req.replicas());
      } catch (IllegalArgumentException e) {
        throw new ControlException(Problem.INVALID_ARGUMENT, e.getMessage());
      }
      String seqKey = keys.sequence("tid");
      Optional<MetaEntry> seq = store.get(seqKey);
      long tid = nextTableId(seq, view);
      CatalogTable table =
          new CatalogTable(
              tid,
              dbAndName[0],
              dbAndName[1],
              req.schema(),
              req.partitions(),
              req.replicas(),
              durability,
              req.ttlMs(),
              TableState.ACTIVE,
              OptionalLong.empty());
      String tableKey = keys.table(table.fullName());
      MetaTxn txn = store.txn().ifAbsent(tableKey);
      if (seq.isPresent()) {
        txn.ifModRevision(seqKey, seq.get().modRevision());
      } else {
        txn.ifAbsent(seqKey);
      }
      txn.put(seqKey, Long.toString(tid)).put(tableKey, TableDefinitionParser.toBytes(table));
      for (int pid = 0; pid < placed.size(); pid++) {
        List<String> nodes = placed.get(pid);
        List<Replica> replicas = new ArrayList<>();
        for (int r = 0; r < nodes.size(); r++) {
          replicas.add(
              new Replica(nodes.get(r), r == 0 ? ReplicaRole.LEADER : ReplicaRole.FOLLOWER));
        }
        PartitionAssignment a = new PartitionAssignment(tid, pid, 1, nodes.get(0), replicas, 1);
        String key = keys.partition(tid, pid);
        txn.ifAbsent(key).put(key, PartitionAssignmentParser.toBytes(a));
      }
      if (txn.commit().committed()) {
        return published(table, "create");
      }
    }
    throw new ControlException(Problem.CONFLICT, "tables keep changing; try the create again");
  }

  /** Soft drop: answers the table in state dropped. */
  public CatalogTable drop(String name) {
    MetaEntry entry =
        store
            .get(keys.table(name))
            .orElseThrow(() -> new ControlException(Problem.TABLE_NOT_FOUND, "no table " + name));
    CatalogTable t = TableDefinitionParser.fromJson(entry.value());
    CatalogTable dropped =
        new CatalogTable(
            t.tid(),
            t.db(),
            t.name(),
            t.schema(),
            t.partitions(),
            t.replicas(),
            t.durability(),
            t.ttlMs(),
            TableState.DROPPED,
            OptionalLong.of(clock.getAsLong()));
    MetaTxn txn =
        store
            .txn()
            .ifModRevision(keys.table(name), entry.modRevision())
            .delete(keys.table(name))
            .put(keys.dropped(t.tid()), TableDefinitionParser.toBytes(dropped));
    for (int pid = 0; pid < t.partitions(); pid++) {
      txn.delete(keys.partition(t.tid(), pid));
    }
    if (!txn.commit().committed()) {
      throw new ControlException(Problem.CONFLICT, "table " + name + " changed while dropping it");
    }
    return published(dropped, "drop");
  }

  /** Brings the newest dropped table of that name back, placed anew. */
  public CatalogTable undrop(String name) {
    ClusterView view = ClusterView.read(store, keys);
    CatalogTable d =
        view.dropped().stream()
            .filter(t -> t.fullName().equals(name))
            .max((x, y) -> Long.compare(x.tid(), y.tid()))
            .orElseThrow(
                () -> new ControlException(Problem.TABLE_NOT_FOUND, "no dropped table " + name));
    if (view.table(name).isPresent()) {
      throw new ControlException(
          Problem.TABLE_EXISTS, "a table " + name + " exists; drop or rename it first");
    }
    CatalogTable active =
        new CatalogTable(
            d.tid(),
            d.db(),
            d.name(),
            d.schema(),
            d.partitions(),
            d.replicas(),
            d.durability(),
            d.ttlMs(),
            TableState.ACTIVE,
            OptionalLong.empty());
    List<List<String>> placed;
    try {
      placed = new Placement(view.nodes().keySet(), load(view)).place(d.partitions(), d.replicas());
    } catch (IllegalArgumentException e) {
      throw new ControlException(Problem.INVALID_ARGUMENT, e.getMessage());
    }
    String tableKey = keys.table(name);
    MetaTxn txn =
        store
            .txn()
            .ifAbsent(tableKey)
            .put(tableKey, TableDefinitionParser.toBytes(active))
            .delete(keys.dropped(d.tid()));
    for (int pid = 0; pid < placed.size(); pid++) {
      List<String> nodes = placed.get(pid);
      List<Replica> replicas = new ArrayList<>();
      for (int r = 0; r < nodes.size(); r++) {
        replicas.add(new Replica(nodes.get(r), r == 0 ? ReplicaRole.LEADER : ReplicaRole.FOLLOWER));
      }
      // A newer term than any the partition had: the manifest in S3 keeps its term history.
      long term = clock.getAsLong();
      String key = keys.partition(d.tid(), pid);
      txn.ifAbsent(key)
          .put(
              key,
              PartitionAssignmentParser.toBytes(
                  new PartitionAssignment(d.tid(), pid, term, nodes.get(0), replicas, 1)));
    }
    if (!txn.commit().committed()) {
      throw new ControlException(Problem.CONFLICT, "table " + name + " changed while restoring it");
    }
    return published(active, "undrop");
  }

  /**
   * The table id the next create takes: past the counter ({@code seq/tid}) and past every table,
   * live or dropped, so ids are never reused. The catalog's {@code next-tid} is the same number.
   */
  static long nextTableId(Optional<MetaEntry> counter, ClusterView view) {
    long counted =
        counter
            .map(e -> Long.parseLong(new String(e.value(), StandardCharsets.UTF_8).trim()))
            .orElse(0L);
    return Math.max(counted, view.highestTableId()) + 1;
  }

  /** Replicas and leaderships each node holds now. */
  private static Map<String, int[]> load(ClusterView view) {
    Map<String, int[]> load = new HashMap<>();
    for (Assigned a : view.allAssignments()) {
      for (Replica r : a.assignment().replicas()) {
        int[] l = load.computeIfAbsent(r.node(), n -> new int[2]);
        l[0]++;
        if (r.role() == ReplicaRole.LEADER) {
          l[1]++;
        }
      }
    }
    return load;
  }

  private static String[] splitName(String fullName) {
    int dot = fullName == null ? -1 : fullName.indexOf('.');
    if (dot < 0 || fullName.indexOf('.', dot + 1) >= 0) {
      throw new ControlException(
          Problem.INVALID_ARGUMENT, "a table name is db.table, got '" + fullName + "'");
    }
    String db = fullName.substring(0, dot);
    String name = fullName.substring(dot + 1);
    for (String part : new String[] {db, name}) {
      if (!NAME.matcher(part).matches()) {
        throw new ControlException(
            Problem.INVALID_ARGUMENT,
            "'"
                + part
                + "' in '"
                + fullName
                + "' is not a valid name: letters, digits and '_', not starting with a digit, at"
                + " most 128 characters");
      }
    }
    return new String[] {db, name};
  }
}
