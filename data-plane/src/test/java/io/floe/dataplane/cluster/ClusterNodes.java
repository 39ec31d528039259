package io.floe.dataplane.cluster;

import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.Durability;
import io.floe.core.table.KeyCodec;
import io.floe.core.table.Row;
import io.floe.core.table.RowCodec;
import io.floe.core.table.Schema;
import io.floe.dataplane.DataNode;
import io.floe.dataplane.NodeConfig;
import io.floe.dataplane.partition.AppliedWrites;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.partition.PartitionWrite;
import io.floe.dataplane.table.HostedTable;
import io.floe.dataplane.wal.WalSinks;
import io.floe.storage.catalog.CatalogTable;
import io.floe.storage.catalog.TableState;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.meta.MetaStoreConfig;
import io.floe.storage.meta.etcd.EtcdMetaStore;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;

/** Builds data nodes that join a cluster through a real etcd, and tables for them. */
final class ClusterNodes {
  static final String CLUSTER = "it";
  static final Schema SCHEMA =
      new Schema(
          1,
          List.of(
              new Column("id", ColumnType.INT64, false), new Column("v", ColumnType.STRING, true)),
          List.of("id"));

  private ClusterNodes() {}

  static MetaStoreConfig metaConfig(List<String> endpoints) {
    return MetaStoreConfig.of(endpoints).withCallTimeout(Duration.ofSeconds(1));
  }

  static Properties props(String nodeId, Duration leaseTtl) {
    Properties props = new Properties();
    props.setProperty(NodeConfig.NODE_ID, nodeId);
    props.setProperty(NodeConfig.LISTEN_PORT, "0");
    props.setProperty(ClusterSettings.CLUSTER, CLUSTER);
    props.setProperty(ClusterSettings.LEASE_TTL, leaseTtl.toMillis() + "ms");
    props.setProperty(ClusterSettings.STATUS_INTERVAL, "200ms");
    return props;
  }

  /** A node whose etcd client the test holds (to close it abruptly). */
  static DataNode node(String nodeId, Duration leaseTtl, MetaStore store) {
    return DataNode.start(NodeConfig.of(props(nodeId, leaseTtl)), WalSinks.memoryOnly(), store);
  }

  static MetaStore store(List<String> endpoints) {
    return EtcdMetaStore.connect(metaConfig(endpoints));
  }

  static CatalogTable table(long tid, String name, int partitions, int replicas) {
    return table(tid, name, partitions, replicas, Durability.MEMORY);
  }

  static CatalogTable table(
      long tid, String name, int partitions, int replicas, Durability durability) {
    String[] parts = name.split("\\.");
    return new CatalogTable(
        tid,
        parts[0],
        parts[1],
        SCHEMA,
        partitions,
        replicas,
        durability,
        OptionalLong.empty(),
        TableState.ACTIVE,
        OptionalLong.empty());
  }

  /** Writes row {@code id} straight into the partition it routes to on {@code table}. */
  static AppliedWrites put(HostedTable table, long id) {
    Row row = new Row(id, "v" + id);
    byte[] key = new KeyCodec(SCHEMA).encode(row);
    Partition p = table.partitionOf(key);
    return p.write(List.of(PartitionWrite.put(key, new RowCodec(SCHEMA).encode(row))), -1);
  }

  static byte[] get(HostedTable table, long id) {
    byte[] key = new KeyCodec(SCHEMA).encode(new Row(id, null));
    return table.partitionOf(key).get(key);
  }
}
