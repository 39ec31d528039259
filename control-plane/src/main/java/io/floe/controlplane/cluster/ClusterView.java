package io.floe.controlplane.cluster;

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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One read of the cluster's state in etcd (DESIGN.md §8): the tables and their partition
 * assignments (desired state, with the revision each was read at, for guarded writes), the
 * registered nodes (present while their lease lives) and what each node reports per replica. Reads
 * are not one snapshot across prefixes: writers guard on the revisions they read.
 */
public final class ClusterView {
  private final Map<String, CatalogTable> tables;
  private final Map<Long, CatalogTable> dropped;
  private final Map<Long, List<Assigned>> assignments;
  private final Map<String, NodeRegistration> nodes;
  private final Map<String, PartitionReport> reports;
  private final java.util.Set<String> notAlive;

  private ClusterView(
      Map<String, CatalogTable> tables,
      Map<Long, CatalogTable> dropped,
      Map<Long, List<Assigned>> assignments,
      Map<String, NodeRegistration> nodes,
      Map<String, PartitionReport> reports,
      java.util.Set<String> notAlive) {
    this.notAlive = notAlive;
    this.tables = tables;
    this.dropped = dropped;
    this.assignments = assignments;
    this.nodes = nodes;
    this.reports = reports;
  }

  /** An assignment with the revision of its key when read. */
  public record Assigned(PartitionAssignment assignment, long modRevision) {}

  /** Reads tables, assignments, nodes and reports of the cluster of {@code keys}. */
  public static ClusterView read(MetaStore store, MetaKeys keys) {
    Map<String, CatalogTable> tables = new TreeMap<>();
    for (MetaEntry e : store.getPrefix(keys.tablesPrefix()).entries()) {
      CatalogTable t = TableDefinitionParser.fromJson(e.value());
      tables.put(t.fullName(), t);
    }
    Map<Long, CatalogTable> dropped = new TreeMap<>();
    for (MetaEntry e : store.getPrefix(keys.droppedPrefix()).entries()) {
      CatalogTable t = TableDefinitionParser.fromJson(e.value());
      dropped.put(t.tid(), t);
    }
    Map<Long, List<Assigned>> assignments = new HashMap<>();
    for (MetaEntry e : store.getPrefix(keys.partitionsPrefix()).entries()) {
      PartitionAssignment a = PartitionAssignmentParser.fromJson(e.value());
      assignments
          .computeIfAbsent(a.tableId(), t -> new ArrayList<>())
          .add(new Assigned(a, e.modRevision()));
    }
    assignments
        .values()
        .forEach(l -> l.sort((x, y) -> x.assignment().partition() - y.assignment().partition()));
    Map<String, NodeRegistration> nodes = new TreeMap<>();
    for (MetaEntry e : store.getPrefix(keys.nodesPrefix()).entries()) {
      NodeRegistration r = NodeRegistrationParser.fromJson(e.value());
      nodes.put(r.node(), r);
    }
    Map<String, PartitionReport> reports = new HashMap<>();
    for (MetaEntry e : store.getPrefix(keys.statusPrefix()).entries()) {
      PartitionReport r = PartitionReportParser.fromJson(e.value());
      reports.put(reportKey(r.node(), r.tableId(), r.partition()), r);
    }
    java.util.Set<String> notAlive = new java.util.HashSet<>();
    for (MetaEntry e : store.getPrefix(keys.notAlivePrefix()).entries()) {
      notAlive.add(e.key().substring(keys.notAlivePrefix().length()));
    }
    return new ClusterView(tables, dropped, assignments, nodes, reports, notAlive);
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
