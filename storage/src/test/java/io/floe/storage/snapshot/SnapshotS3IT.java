package io.floe.storage.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.format.CorruptObjectException;
import io.floe.core.table.Row;
import io.floe.core.table.Schema;
import io.floe.storage.object.ObjectAlreadyExistsException;
import io.floe.storage.object.S3ObjectStore;
import io.floe.storage.object.S3Stores;
import io.floe.testsupport.s3.S3Extension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Parquet snapshots written to and read back from a real S3 endpoint (S3Proxy) over HTTP. */
class SnapshotS3IT {
  @RegisterExtension static final S3Extension S3 = new S3Extension();

  @TempDir Path temp;
  private S3ObjectStore store;

  @BeforeEach
  void open() {
    store = S3Stores.open(S3);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aSnapshotRoundTripsThroughS3AndItsKeyCannotBeTakenTwice() {
    Random rnd = new Random(5);
    Schema schema = SnapshotTestData.randomSchema(rnd);
    String key = SnapshotKeys.dataFile(4, 2, 5000, 3, 0);
    List<SnapshotRecord> written = write(key, schema, rnd, 20_000);

    List<SnapshotRecord> read = new ArrayList<>();
    long n = new SnapshotReader(store, temp).read(key, schema, read::add);

    assertThat(n).isEqualTo(written.size());
    assertThat(read).isEqualTo(written);
    assertThatThrownBy(() -> write(key, schema, rnd, 10))
        .isInstanceOfSatisfying(
            ObjectAlreadyExistsException.class, e -> assertThat(e.getMessage()).contains(key));
    assertThat(new SnapshotReader(store, temp).read(key, schema, r -> {})).isEqualTo(n);
    assertThat(temp).isEmptyDirectory();
  }

  @Test
  void aSingleFlippedByteInADataPageIsRefusedNamingTheKey() {
    Random rnd = new Random(6);
    Schema schema = SnapshotCorruptionTest.SCHEMA;
    String key = SnapshotKeys.dataFile(4, 3, 100, 1, 0);
    write(key, schema, rnd, 20_000);
    byte[] valid = store.get(key);

    // Inside the first data page's body (past its header), and in the middle of the file.
    for (int at : new int[] {200, valid.length / 2}) {
      byte[] bad = valid.clone();
      bad[at] ^= 0x01;
      store.put(key, bad); // a raw overwrite behind the snapshot writer's back

      assertThatThrownBy(() -> new SnapshotReader(store, temp).read(key, schema, r -> {}))
          .as("byte %d flipped", at)
          .isInstanceOfSatisfying(
              CorruptObjectException.class, e -> assertThat(e.key()).isEqualTo(key));
    }
    assertThat(temp).isEmptyDirectory();
  }

  private List<SnapshotRecord> write(String key, Schema schema, Random rnd, int rows) {
    List<SnapshotRecord> written = new ArrayList<>();
    try (SnapshotWriter writer =
        new SnapshotWriter(store, key, schema, SnapshotWriteOptions.defaults(), temp)) {
      for (int i = 0; i < rows; i++) {
        Row row = SnapshotTestData.randomRow(rnd, schema, i);
        writer.write(row, i + 1, 1_700_000_000_000_000L + i);
        written.add(new SnapshotRecord(row, i + 1, 1_700_000_000_000_000L + i));
      }
      writer.finish();
    }
    return written;
  }
}
