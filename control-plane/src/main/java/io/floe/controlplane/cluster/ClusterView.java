package io.floe.controlplane.cluster;

import io.floe.core.format.FormatException;
import io.floe.storage.catalog.CatalogTable;
import io.floe.storage.cluster.NodeRegistration;
import io.floe.storage.cluster.NodeRegistrationParser;
import io.floe.storage.cluster.PartitionAssignment;
import io.floe.storage.cluster.PartitionAssignmentParser;
import io.floe.storage.cluster.PartitionReport;
import io.floe.storage.cluster.PartitionReportParser;
import io.floe.storage.cluster.TableDefinitionParser;
import io.floe.storage.meta.MetaEntry;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One read of the cluster's state in etcd (DESIGN.md §8): the tables and their partition
 * assignments (desired state, with the revision each was read at, for guarded writes), the
 * registered nodes (present while their lease lives) and what each node reports per replica. Reads
 * are not one snapshot across prefixes: writers guard on the revisions they read.
 */
public final class ClusterView {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterView.class);

  /** The revision of each bad value last logged: read every heartbeat, each is logged once. */
  private static final Map<String, Long> LOGGED = new ConcurrentHashMap<>();

  private final Map<String, CatalogTable> tables;
  private final Map<Long, CatalogTable> dropped;
  private final Map<Long, List<Assigned>> assignments;
  private final Map<String, NodeRegistration> nodes;
  private final Map<String, PartitionReport> reports;
  private final Set<String> notAlive;
  private final MetaKeys keys;
  private final Map<String, String> unreadable;

  private ClusterView(
      MetaKeys keys,
      Map<String, CatalogTable> tables,
      Map<Long, CatalogTable> dropped,
      Map<Long, List<Assigned>> assignments,
      Map<String, NodeRegistration> nodes,
      Map<String, PartitionReport> reports,
      Set<String> notAlive,
      Map<String, String> unreadable) {
    this.keys = keys;
    this.unreadable = unreadable;
    this.notAlive = notAlive;
    this.tables = tables;
    this.dropped = dropped;
    this.assignments = assignments;
    this.nodes = nodes;
    this.reports = reports;
  }

  /** An assignment with the revision of its key when read. */
  public record Assigned(PartitionAssignment assignment, long modRevision) {}

  /**
   * Reads tables, assignments, nodes and reports of the cluster of {@code keys}. A value that does
   * not parse (cut short by a hand edit, written by a newer Floe) is left out of the view and named
   * by {@link #unreadable}: one bad key must not stop failover for every other partition.
   */
  public static ClusterView read(MetaStore store, MetaKeys keys) {
    Map<String, String> unreadable = new TreeMap<>();
    Map<String, CatalogTable> tables = new TreeMap<>();
    readEach(
        store.getPrefix(keys.tablesPrefix()).entries(),
        TableDefinitionParser::fromJson,
        (e, t) -> tables.put(t.fullName(), t),
        unreadable);
    Map<Long, CatalogTable> dropped = new TreeMap<>();
    readEach(
        store.getPrefix(keys.droppedPrefix()).entries(),
        TableDefinitionParser::fromJson,
        (e, t) -> dropped.put(t.tid(), t),
        unreadable);
    Map<Long, List<Assigned>> assignments = new HashMap<>();
    readEach(
        store.getPrefix(keys.partitionsPrefix()).entries(),
        PartitionAssignmentParser::fromJson,
        (e, a) ->
            assignments
                .computeIfAbsent(a.tableId(), t -> new ArrayList<>())
                .add(new Assigned(a, e.modRevision())),
        unreadable);
    assignments
        .values()
        .forEach(l -> l.sort((x, y) -> x.assignment().partition() - y.assignment().partition()));
    Map<String, NodeRegistration> nodes = new TreeMap<>();
    readEach(
        store.getPrefix(keys.nodesPrefix()).entries(),
        NodeRegistrationParser::fromJson,
        (e, r) -> nodes.put(r.node(), r),
        unreadable);
    Map<String, PartitionReport> reports = new HashMap<>();
    readEach(
        store.getPrefix(keys.statusPrefix()).entries(),
        PartitionReportParser::fromJson,
        (e, r) -> reports.put(reportKey(r.node(), r.tableId(), r.partition()), r),
        unreadable);
    Set<String> notAlive = new HashSet<>();
    for (MetaEntry e : store.getPrefix(keys.notAlivePrefix()).entries()) {
      notAlive.add(e.key().substring(keys.notAlivePrefix().length()));
    }
    return new ClusterView(
        keys, tables, dropped, assignments, nodes, reports, notAlive, unreadable);
  }

  private static <T> void readEach(
      List<MetaEntry> entries,
      Function<byte[], T> parse,
      BiConsumer<MetaEntry, T> into,
      Map<String, String> unreadable) {
    for (MetaEntry e : entries) {
      T value;
      try {
        value = parse.apply(e.value());
      } catch (FormatException | IllegalArgumentException ex) {
        unreadable.put(e.key(), ex.getMessage());
        if (!Long.valueOf(e.modRevision()).equals(LOGGED.put(e.key(), e.modRevision()))) {
          LOG.error("ignoring {} (revision {}): {}", e.key(), e.modRevision(), ex.getMessage());
        }
        continue;
      }
      into.accept(e, value);
    }
  }

  /** Keys whose value did not parse, with why; left out of the rest of this view. */
  public Map<String, String> unreadable() {
    return unreadable;
  }

  /**
   * Why the definition of {@code fullName} or the assignment of {@code pid} in it is missing from
   * this view although its key exists, if so: an operation on it waits for a good value rather than
   * taking the partition for gone.
   */
  public Optional<String> unreadable(String fullName, long tid, int pid) {
    String table = unreadable.get(keys.table(fullName));
    if (table != null) {
      return Optional.of("the definition of " + fullName + " does not parse: " + table);
    }
    String assignment = tid < 0 ? null : unreadable.get(keys.partition(tid, pid));
    return Optional.ofNullable(assignment)
        .map(why -> "the assignment of partition " + pid + " does not parse: " + why);
  }

  public Collection<CatalogTable> tables() {
    return tables.values();
  }

  public Optional<CatalogTable> table(String fullName) {
    return Optional.ofNullable(tables.get(fullName));
  }

  public Optional<CatalogTable> table(long tid) {
    return tables.values().stream().filter(t -> t.tid() == tid).findFirst();
  }

  public Collection<CatalogTable> dropped() {
    return dropped.values();
  }

  /** The assignments of {@code tid}, by partition id. */
  public List<Assigned> assignments(long tid) {
    return assignments.getOrDefault(tid, List.of());
  }

  public Optional<Assigned> assignment(long tid, int pid) {
    return assignments(tid).stream().filter(a -> a.assignment().partition() == pid).findFirst();
  }

  /** Every assignment of every table. */
  public List<Assigned> allAssignments() {
    List<Assigned> all = new ArrayList<>();
    assignments.values().forEach(all::addAll);
    return all;
  }

  public Map<String, NodeRegistration> nodes() {
    return nodes;
  }

  /** A node by id or by its endpoint ({@code host:port}), as OpenMLDB's commands name tablets. */
  public Optional<NodeRegistration> node(String idOrEndpoint) {
    NodeRegistration r = nodes.get(idOrEndpoint);
    if (r != null) {
      return Optional.of(r);
    }
    return nodes.values().stream().filter(n -> n.endpoint().equals(idOrEndpoint)).findFirst();
  }

  public Optional<PartitionReport> report(String node, long tid, int pid) {
    return Optional.ofNullable(reports.get(reportKey(node, tid, pid)));
  }

  /** The highest table id ever used (live or dropped), 0 when none. */
  public long highestTableId() {
    long max = 0;
    for (CatalogTable t : tables.values()) {
      max = Math.max(max, t.tid());
    }
    for (CatalogTable t : dropped.values()) {
      max = Math.max(max, t.tid());
    }
    for (Long tid : assignments.keySet()) {
      max = Math.max(max, tid);
    }
    return max;
  }

  /** True when an operator marked the replica of {@code node} not alive. */
  public boolean markedNotAlive(long tid, int pid, String node) {
    return notAlive.contains(tid + "/" + pid + "/" + node);
  }

  private static String reportKey(String node, long tid, int pid) {
    return node + "/" + tid + "/" + pid;
  }
}
