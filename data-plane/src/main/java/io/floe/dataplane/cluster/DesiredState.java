package io.floe.dataplane.cluster;

import io.floe.core.format.FormatException;
import io.floe.storage.catalog.CatalogTable;
import io.floe.storage.cluster.NodeRegistrationParser;
import io.floe.storage.cluster.PartitionAssignment;
import io.floe.storage.cluster.PartitionAssignmentParser;
import io.floe.storage.cluster.TableDefinitionParser;
import io.floe.storage.meta.MetaEntry;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.WatchEvent;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What etcd says the cluster should look like, as last read or watched: table definitions,
 * partition assignments and node endpoints, by key. A value that does not parse is logged and
 * cannot stop a node from following the rest. Where the key held a good value, that value stays:
 * taken as absent, a garbled table definition or assignment (an operator's hand edit, a bug) would
 * make every node drop the partitions' memory at once, and with it every acknowledged write not yet
 * in S3. A key that never held a good value is left out. Used from one thread.
 */
final class DesiredState {
  private static final Logger LOG = LoggerFactory.getLogger(DesiredState.class);

  private final Map<String, CatalogTable> tables = new HashMap<>();
  private final Map<String, PartitionAssignment> assignments = new HashMap<>();

  /** Endpoints by node id; read from network threads too (replication's leader hints). */
  private final Map<String, String> endpoints = new java.util.concurrent.ConcurrentHashMap<>();

  void resetTables(List<MetaEntry> entries) {
    retainKeys(tables, entries);
    entries.forEach(e -> putTable(e));
  }

  void resetAssignments(List<MetaEntry> entries) {
    retainKeys(assignments, entries);
    entries.forEach(e -> putAssignment(e));
  }

  /** Drops what is no longer in etcd; what is still there keeps its value until it is read. */
  private static void retainKeys(Map<String, ?> known, List<MetaEntry> entries) {
    Set<String> present = new HashSet<>();
    entries.forEach(e -> present.add(e.key()));
    known.keySet().retainAll(present);
  }

  void resetNodes(List<MetaEntry> entries) {
    endpoints.clear();
    entries.forEach(e -> putNode(e));
  }

  void onTableEvent(WatchEvent event) {
    if (event.type() == WatchEvent.Type.DELETE) {
      tables.remove(event.entry().key());
    } else {
      putTable(event.entry());
    }
  }

  void onAssignmentEvent(WatchEvent event) {
    if (event.type() == WatchEvent.Type.DELETE) {
      assignments.remove(event.entry().key());
    } else {
      putAssignment(event.entry());
    }
  }

  void onNodeEvent(WatchEvent event) {
    if (event.type() == WatchEvent.Type.DELETE) {
      endpoints.remove(MetaKeys.lastSegment(event.entry().key()));
    } else {
      putNode(event.entry());
    }
  }

  Collection<CatalogTable> tables() {
    return tables.values();
  }

  Collection<PartitionAssignment> assignments() {
    return assignments.values();
  }

  /** The endpoint node {@code node} registered, or "" while it is not registered. */
  String endpointOf(String node) {
    return endpoints.getOrDefault(node, "");
  }

  private void putTable(MetaEntry entry) {
    try {
      tables.put(entry.key(), TableDefinitionParser.fromJson(entry.value()));
    } catch (FormatException | IllegalArgumentException e) {
      LOG.error(
          "ignoring table definition {} ({}): {}",
          entry.key(),
          tables.containsKey(entry.key()) ? "keeping the last good one" : "not hosted",
          e.getMessage());
    }
  }

  private void putAssignment(MetaEntry entry) {
    try {
      assignments.put(entry.key(), PartitionAssignmentParser.fromJson(entry.value()));
    } catch (FormatException | IllegalArgumentException e) {
      LOG.error(
          "ignoring partition assignment {} ({}): {}",
          entry.key(),
          assignments.containsKey(entry.key()) ? "keeping the last good one" : "not hosted",
          e.getMessage());
    }
  }

  private void putNode(MetaEntry entry) {
    try {
      endpoints.put(
          MetaKeys.lastSegment(entry.key()),
          NodeRegistrationParser.fromJson(entry.value()).endpoint());
    } catch (FormatException | IllegalArgumentException e) {
      endpoints.remove(MetaKeys.lastSegment(entry.key()));
      LOG.error("ignoring node registration {}: {}", entry.key(), e.getMessage());
    }
  }
}
