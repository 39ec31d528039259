package io.floe.dataplane.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.partition.PartitionState;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.table.KeyCodec;
import io.floe.core.table.Row;
import io.floe.core.table.RowCodec;
import io.floe.core.table.Schema;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.partition.PartitionWrite;
import io.floe.dataplane.snapshot.Snapshotter;
import io.floe.dataplane.testing.FailingObjectStore;
import io.floe.dataplane.testing.IdNameTable;
import io.floe.dataplane.wal.WalShipper;
import io.floe.dataplane.wal.WalShipperSettings;
import io.floe.storage.snapshot.SnapshotWriteOptions;
import io.floe.storage.wal.WalKeys;
import io.floe.storage.wal.WalObjectReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class PartitionLoaderTest {
  static final Schema SCHEMA = IdNameTable.SCHEMA;
  static final RowCodec ROWS = IdNameTable.ROWS;
  static final KeyCodec KEYS = IdNameTable.KEYS;

  @TempDir Path temp;
  final FailingObjectStore store = new FailingObjectStore();

  WalShipper shipper(long incarnation) {
    return new WalShipper(
        store,
        "n1",
        incarnation,
        WalShipperSettings.defaults().withFlushInterval(Duration.ofMillis(10)));
  }

  Partition loaded(WalShipper shipper) {
    Partition p = new Partition(5, 0, new MemoryBudget(1L << 30), shipper);
    new PartitionLoader(store, shipper, temp).load(p, SCHEMA, 1);
    return p;
  }

  static void put(Partition p, long id, String name) throws Exception {
    byte[] row = ROWS.encode(new Row(id, name));
    p.write(List.of(PartitionWrite.put(KEYS.encode(new Row(id, name)), row)), -1)
        .durable()
        .get(10, TimeUnit.SECONDS);
  }

  static void delete(Partition p, long id) throws Exception {
    p.write(List.of(PartitionWrite.delete(KEYS.encodeKey(id))), -1)
        .durable()
        .get(10, TimeUnit.SECONDS);
  }

  static String name(Partition p, long id) {
    byte[] row = p.get(KEYS.encodeKey(id));
    return row == null ? null : (String) ROWS.decode(row).get(1);
  }

  @Test
  void claimsIncreasingIncarnations() {
    assertThat(Incarnations.claim(store, "n1")).isEqualTo(1);
    assertThat(Incarnations.claim(store, "n1")).isEqualTo(2);
    assertThat(Incarnations.claim(store, "n2")).isEqualTo(1);
    var claim =
        io.floe.storage.cluster.IncarnationClaimParser.fromJson(
            store.get(Incarnations.prefix("n1") + "00000000000000000002.json"));
    assertThat(claim.node()).isEqualTo("n1");
    assertThat(claim.incarnation()).isEqualTo(2);
    assertThat(claim.pid()).isEqualTo(ProcessHandle.current().pid());
  }

  @Test
  void reloadsSnapshotRangesAndTheSealedTailOfADeadIncarnation() throws Exception {
    WalShipper first = shipper(1);
    Partition p = loaded(first);
    for (long id = 1; id <= 300; id++) {
      put(p, id, "a" + id);
    }
    delete(p, 270);
    new Snapshotter(store, first, SnapshotWriteOptions.defaults(), temp).snapshot(p, SCHEMA);
    for (long id = 1; id <= 50; id++) {
      put(p, id, "b" + id);
    }
    delete(p, 8);
    long offset = p.offset();
    // the process dies without closing: incarnation 2 takes over
    WalShipper second = shipper(2);
    Partition reloaded = loaded(second);
    assertThat(reloaded.offset()).isEqualTo(offset);
    assertThat(name(reloaded, 1)).isEqualTo("b1");
    assertThat(name(reloaded, 100)).isEqualTo("a100");
    assertThat(name(reloaded, 270)).isNull();
    assertThat(name(reloaded, 8)).isNull();
    assertThat(reloaded.status().rowCount()).isEqualTo(298);
    // the dead stream is sealed at its next sequence: its writer is fenced
    long sealAt = first.nextSeq();
    assertThat(new WalObjectReader(store).readFooter(WalKeys.objectKey("n1", 1, sealAt)).isSeal())
        .isTrue();
    assertThatThrownBy(() -> put(p, 999, "late"))
        .hasRootCauseInstanceOf(FloeRequestException.class);
    first.close();
    second.close();
  }

  @Test
  void aCorruptWalObjectStopsTheLoadNamingItsKey() throws Exception {
    WalShipper first = shipper(1);
    Partition p = loaded(first);
    for (long id = 1; id <= 20; id++) {
      put(p, id, "a" + id);
    }
    first.close();
    String key = WalKeys.objectKey("n1", 1, 1);
    byte[] bytes = store.get(key);
    bytes[12] ^= 0x40;
    store.put(key, bytes);
    WalShipper second = shipper(2);
    Partition broken = new Partition(5, 0, new MemoryBudget(1L << 30), second);
    assertThatThrownBy(() -> new PartitionLoader(store, second, temp).load(broken, SCHEMA, 1))
        .isInstanceOf(PartitionLoadException.class)
        .hasMessageContaining(key);
    assertThat(broken.status().state()).isEqualTo(PartitionState.OFFLINE);
    assertThat(broken.status().rowCount()).isZero();
    assertThatThrownBy(() -> broken.get(KEYS.encodeKey(1L))).hasMessageContaining(key);
    second.close();
  }
}
