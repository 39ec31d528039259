package io.floe.dataplane.partition;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeySortTest {
  @Test
  void ordersLikeAnUnsignedComparisonSortOverEveryKindOfKey() {
    Random random = new Random(3);
    for (int round = 0; round < 200; round++) {
      int n = random.nextInt(3_000);
      byte[][] keys = new byte[n][];
      for (int i = 0; i < n; i++) {
        keys[i] = randomKey(random);
      }
      int[] order = KeySort.order(keys);
      byte[][] sorted = new byte[n][];
      for (int i = 0; i < n; i++) {
        sorted[i] = keys[order[i]];
      }
      byte[][] expected = keys.clone();
      Arrays.sort(expected, Arrays::compareUnsigned);
      for (int i = 0; i < n; i++) {
        assertThat(sorted[i]).as("round %d position %d", round, i).isEqualTo(expected[i]);
      }
      assertThat(Arrays.stream(order).distinct().count()).isEqualTo(n);
    }
  }

  /** Short and long keys, shared 8-byte prefixes, high bytes (unsigned order) and zeros. */
  private static byte[] randomKey(Random random) {
    switch (random.nextInt(4)) {
      case 0:
        byte[] shortKey = new byte[random.nextInt(9)];
        random.nextBytes(shortKey);
        return shortKey;
      case 1:
        byte[] shared = "user-000".getBytes();
        byte[] k = Arrays.copyOf(shared, shared.length + random.nextInt(4));
        for (int i = shared.length; i < k.length; i++) {
          k[i] = (byte) random.nextInt(3);
        }
        return k;
      case 2:
        byte[] withZeros = new byte[random.nextInt(12)];
        for (int i = 0; i < withZeros.length; i++) {
          withZeros[i] = random.nextBoolean() ? 0 : (byte) 0xFF;
        }
        return withZeros;
      default:
        byte[] any = new byte[1 + random.nextInt(20)];
        random.nextBytes(any);
        return any;
    }
  }
}
