package io.floe.dataplane.partition;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RowIndexTest {
  private static byte[] key(int k) {
    // Encoded integers: the keys whose polynomial hashes collide (RowIndex.HashedKey)
    return new byte[] {1, 0, 0, (byte) (k >>> 8), (byte) k};
  }

  private static Version version(long offset) {
    return new Version(offset, offset, new byte[] {(byte) offset}, null);
  }

  @Test
  void behavesAsASortedMapOfNewestVersionsUnderRandomOperations() {
    Random random = new Random(42);
    for (int round = 0; round < 20; round++) {
      NavigableMap<byte[], Version> model = new TreeMap<>(Partition.KEY_ORDER);
      RowIndex index = round % 2 == 0 ? new RowIndex() : seeded(random, model);
      long offset = 10_000;
      for (int op = 0; op < 2_000; op++) {
        byte[] k = key(random.nextInt(300));
        switch (random.nextInt(5)) {
          case 0, 1 -> {
            Version v = version(++offset);
            assertThat(index.put(k.clone(), v)).isSameAs(model.put(k, v));
          }
          case 2 -> assertThat(index.remove(k)).isSameAs(model.remove(k));
          case 3 -> {
            Version head = random.nextBoolean() ? model.get(k) : version(-1);
            boolean expected = head != null && model.get(k) == head;
            assertThat(index.remove(k, head)).isEqualTo(expected);
            if (expected) {
              model.remove(k);
            }
          }
          default -> assertThat(index.get(k)).isSameAs(model.get(k));
        }
        if (op % 100 == 0) {
          assertSameRange(index, model, random);
        }
      }
      assertSameRange(index, model, random);
    }
  }

  private static RowIndex seeded(Random random, NavigableMap<byte[], Version> model) {
    for (int i = 0; i < 200; i++) {
      model.put(key(random.nextInt(300)), version(i + 1));
    }
    return new RowIndex(new TreeMap<>(model));
  }

  private static void assertSameRange(
      RowIndex index, NavigableMap<byte[], Version> model, Random random) {
    byte[] start = random.nextBoolean() ? null : key(random.nextInt(300));
    byte[] end = random.nextBoolean() ? null : key(random.nextInt(300));
    if (start != null && end != null && Arrays.compareUnsigned(start, end) > 0) {
      byte[] t = start;
      start = end;
      end = t;
    }
    boolean startInclusive = random.nextBoolean();
    boolean endInclusive = random.nextBoolean();
    NavigableMap<byte[], Version> expected = model;
    if (start != null) {
      expected = expected.tailMap(start, startInclusive);
    }
    if (end != null) {
      expected = expected.headMap(end, endInclusive);
    }
    List<String> got = new ArrayList<>();
    for (Iterator<RowIndex.Slot> it = index.range(start, startInclusive, end, endInclusive);
        it.hasNext(); ) {
      RowIndex.Slot s = it.next();
      got.add(Arrays.toString(s.bytes) + "@" + s.head.offset);
    }
    List<String> want = new ArrayList<>();
    for (Map.Entry<byte[], Version> e : expected.entrySet()) {
      want.add(Arrays.toString(e.getKey()) + "@" + e.getValue().offset);
    }
    assertThat(got).isEqualTo(want);
  }

  @Test
  @Timeout(30)
  void aKeyBeingOverwrittenIsNeverSeenAbsentByAConcurrentReader() throws Exception {
    RowIndex index = new RowIndex();
    int keys = 1_000;
    for (int k = 0; k < keys; k++) {
      index.put(key(k), version(k + 1));
    }
    AtomicBoolean done = new AtomicBoolean();
    CompletableFuture<Long> reader =
        CompletableFuture.supplyAsync(
            () -> {
              long reads = 0;
              Random random = new Random(7);
              while (!done.get()) {
                int k = random.nextInt(keys);
                Version v = index.get(key(k));
                if (v == null) {
                  throw new AssertionError("key " + k + " absent while only overwritten");
                }
                if (reads++ % 1_000 == 0) {
                  int seen = 0;
                  for (Iterator<RowIndex.Slot> it = index.all(); it.hasNext(); ) {
                    if (it.next().head != null) {
                      seen++;
                    }
                  }
                  if (seen != keys) {
                    throw new AssertionError(seen + " keys seen by a scan, not " + keys);
                  }
                }
              }
              return reads;
            });
    Random random = new Random(3);
    long offset = keys;
    for (int i = 0; i < 300_000; i++) {
      index.put(key(random.nextInt(keys)), version(++offset));
    }
    done.set(true);
    assertThat(reader.get(10, TimeUnit.SECONDS)).isPositive();
  }
}
