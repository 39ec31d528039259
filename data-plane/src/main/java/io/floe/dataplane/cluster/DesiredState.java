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
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What etcd says the cluster should look like, as last read or watched: table definitions,
 * partition assignments and node endpoints, by key. Values that do not parse are logged and left
 * out (the key is treated as absent) so that one bad value cannot stop a node from following the
 * rest. Used from one thread.
 */
final class DesiredState {
  private static final Logger LOG = LoggerFactory.getLogger(DesiredState.class);

  private final Map<String, CatalogTable> tables = new HashMap<>();
  private final Map<String, PartitionAssignment> assignments = new HashMap<>();

  /** Endpoints by node id; read from network threads too (replication's leader hints). */
  private final Map<String, String> endpoints = new java.util.concurrent.ConcurrentHashMap<>();

  void resetTables(List<MetaEntry> entries) {
    tables.clear();
    entries.forEach(e -> putTable(e));
  }

  void resetAssignments(List<MetaEntry> entries) {
    assignments.clear();
    entries.forEach(e -> putAssignment(e));
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
      tables.remove(entry.key());
      LOG.error("ignoring table definition {}: {}", entry.key(), e.getMessage());
    }
  }

  private void putAssignment(MetaEntry entry) {
    try {
      assignments.put(entry.key(), PartitionAssignmentParser.fromJson(entry.value()));
    } catch (FormatException | IllegalArgumentException e) {
      assignments.remove(entry.key());
      LOG.error("ignoring partition assignment {}: {}", entry.key(), e.getMessage());
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
