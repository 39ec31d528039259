package io.floe.core.table;

/**
 * Routes an encoded primary key to its partition (spec.md §5): {@code pid = (murmur3_x86_32(key,
 * seed 0x464C4F45) & 0x7fffffff) % partitions}. The hash is part of the storage format: changing it
 * would move every row, so {@code PartitionHasherTest} pins it against golden keys.
 */
public final class PartitionHasher {
  /** The ASCII bytes {@code FLOE}. */
  public static final int SEED = 0x464C4F45;

  private static final int C1 = 0xcc9e2d51;
  private static final int C2 = 0x1b873593;

  private PartitionHasher() {}

  /** The partition of an encoded key, in {@code [0, partitions)}. */
  public static int partition(byte[] encodedKey, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1, found " + partitions);
    }
    return (hash(encodedKey) & 0x7fffffff) % partitions;
  }

  /** Floe's key hash: MurmurHash3 x86_32 with {@link #SEED}. */
  public static int hash(byte[] encodedKey) {
    return murmur3x86x32(encodedKey, 0, encodedKey.length, SEED);
  }

  /** Austin Appleby's MurmurHash3, x86 32-bit variant, little-endian blocks. */
  public static int murmur3x86x32(byte[] data, int offset, int length, int seed) {
    int h1 = seed;
    int blocksEnd = offset + (length & ~3);
    for (int i = offset; i < blocksEnd; i += 4) {
      int k1 =
          (data[i] & 0xff)
              | (data[i + 1] & 0xff) << 8
              | (data[i + 2] & 0xff) << 16
              | (data[i + 3] & 0xff) << 24;
      h1 ^= mixK1(k1);
      h1 = Integer.rotateLeft(h1, 13) * 5 + 0xe6546b64;
    }
    int k1 = 0;
    switch (length & 3) {
      case 3:
        k1 ^= (data[blocksEnd + 2] & 0xff) << 16;
      // fall through
      case 2:
        k1 ^= (data[blocksEnd + 1] & 0xff) << 8;
      // fall through
      case 1:
        k1 ^= data[blocksEnd] & 0xff;
        h1 ^= mixK1(k1);
      // fall through
      default:
        break;
    }
    return fmix(h1 ^ length);
  }

  private static int mixK1(int k1) {
    return Integer.rotateLeft(k1 * C1, 15) * C2;
  }

  private static int fmix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }
}
