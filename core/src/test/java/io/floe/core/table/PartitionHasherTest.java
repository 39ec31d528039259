package io.floe.core.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.floe.core.format.GoldenFiles;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pins the partition hash: changing it would silently move every row of every table. */
class PartitionHasherTest {

  @Test
  void isMurmur3X86x32() {
    // Published reference vectors of MurmurHash3_x86_32.
    assertThat(murmur("", 0)).isEqualTo(0);
    assertThat(murmur("", 1)).isEqualTo(0x514e28b7);
    assertThat(murmur("hello", 0)).isEqualTo(0x248bfa47);
    assertThat(murmur("aaaa", 0x9747b28c)).isEqualTo(0x5a97808a);
    assertThat(murmur("The quick brown fox jumps over the lazy dog", 0)).isEqualTo(0x2e4ff723);
  }

  @Test
  void goldenKeysLandOnTheirPartitions() {
    JsonNode golden = GoldenFiles.goldenJson("partition-hash-v1.json");
    assertThat(golden.get("seed").asInt()).isEqualTo(PartitionHasher.SEED);
    int partitions = golden.get("partitions").asInt();
    for (JsonNode entry : golden.get("keys")) {
      ColumnType type = ColumnType.valueOf(entry.get("type").asText().toUpperCase());
      KeyCodec codec =
          new KeyCodec(new Schema(0, List.of(new Column("k", type, false)), List.of("k")));
      String text = entry.get("value").asText();
      Object value = type == ColumnType.INT64 ? (Object) Long.parseLong(text) : text;
      byte[] key = codec.encodeKey(value);
      assertThat(HexFormat.of().formatHex(key)).isEqualTo(entry.get("encoded-key-hex").asText());
      assertThat(PartitionHasher.hash(key))
          .as("hash of %s", text)
          .isEqualTo(entry.get("hash").asInt());
      assertThat(PartitionHasher.partition(key, partitions))
          .as("partition of %s", text)
          .isEqualTo(entry.get("partition").asInt());
    }
  }

  @Test
  void partitionIsInRangeAndRefusesZeroPartitions() {
    RandomValues random = new RandomValues(3);
    for (int i = 0; i < 1000; i++) {
      byte[] key = new byte[random.random().nextInt(40)];
      random.random().nextBytes(key);
      assertThat(PartitionHasher.partition(key, 7)).isBetween(0, 6);
    }
    assertThatThrownBy(() -> PartitionHasher.partition(new byte[1], 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("partitions must be at least 1");
  }

  private static int murmur(String s, int seed) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    return PartitionHasher.murmur3x86x32(bytes, 0, bytes.length, seed);
  }
}
