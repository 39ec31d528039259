package io.floe.storage.snapshot;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * Compression for snapshots straight on zstd-jni and snappy-java. Parquet's own factory goes
 * through Hadoop's codec classes (and their zlib loading); this one needs no Hadoop. One compressor
 * per writer thread: not thread safe.
 */
final class SnapshotCodecFactory implements CompressionCodecFactory {
  private final int zstdLevel;

  SnapshotCodecFactory(int zstdLevel) {
    this.zstdLevel = zstdLevel;
  }

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec) {
    return switch (codec) {
      case UNCOMPRESSED -> new Compressor(codec, null);
      case ZSTD -> new Compressor(codec, new ZstdCompressCtx().setLevel(zstdLevel));
      case SNAPPY -> new Compressor(codec, null);
      default ->
          throw new IllegalArgumentException("snapshot compression " + codec + " not supported");
    };
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
    return switch (codec) {
      case UNCOMPRESSED, ZSTD, SNAPPY -> new Decompressor(codec);
      default ->
          throw new IllegalArgumentException("snapshot compression " + codec + " not supported");
    };
  }

  @Override
  public void release() {}

  /**
   * Compresses pages through two scratch arrays reused from page to page instead of three fresh
   * arrays per page. The returned bytes are only valid until the next call, the contract Parquet's
   * own compressors have too (the page writer copies them, or writes them out, before it asks for
   * the next page).
   */
  private static final class Compressor implements BytesInputCompressor {
    private final CompressionCodecName codec;
    private final ZstdCompressCtx zstd;
    private final Scratch input = new Scratch();
    private byte[] output = new byte[0];

    Compressor(CompressionCodecName codec, ZstdCompressCtx zstd) {
      this.codec = codec;
      this.zstd = zstd;
    }

    @Override
    public BytesInput compress(BytesInput bytes) throws IOException {
      if (codec == CompressionCodecName.UNCOMPRESSED) {
        return bytes;
      }
      input.reset();
      bytes.writeAllTo(input);
      int length = input.size();
      int written =
          switch (codec) {
            case ZSTD -> {
              ensureOutput((int) Zstd.compressBound(length));
              yield zstd.compressByteArray(output, 0, output.length, input.array(), 0, length);
            }
            case SNAPPY -> {
              ensureOutput(Snappy.maxCompressedLength(length));
              yield Snappy.compress(input.array(), 0, length, output, 0);
            }
            default -> throw new IllegalStateException("no compressor for " + codec);
          };
      return BytesInput.from(output, 0, written);
    }

    private void ensureOutput(int size) {
      if (output.length < size) {
        output = new byte[size];
      }
    }

    @Override
    public CompressionCodecName getCodecName() {
      return codec;
    }

    @Override
    public void release() {
      if (zstd != null) {
        zstd.close();
      }
    }
  }

  /** A growable byte buffer whose backing array can be read without copying. */
  private static final class Scratch extends ByteArrayOutputStream {
    Scratch() {
      super(64 * 1024);
    }

    byte[] array() {
      return buf;
    }
  }

  private static final class Decompressor implements BytesInputDecompressor {
    private final CompressionCodecName codec;
    private final ZstdDecompressCtx zstd;

    Decompressor(CompressionCodecName codec) {
      this.codec = codec;
      this.zstd = codec == CompressionCodecName.ZSTD ? new ZstdDecompressCtx() : null;
    }

    @Override
    public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
      return switch (codec) {
        case ZSTD -> BytesInput.from(zstdDecompress(bytes.toByteBuffer(), uncompressedSize));
        case SNAPPY -> BytesInput.from(Snappy.uncompress(bytes.toByteArray()));
        default -> bytes;
      };
    }

    /**
     * Decompresses straight from the page's buffer when it is on the heap, saving a copy of every
     * compressed page. The output is a fresh array: column readers keep decoding a page while other
     * columns' pages are decompressed.
     */
    private byte[] zstdDecompress(ByteBuffer in, int uncompressedSize) {
      if (!in.hasArray()) {
        byte[] copy = new byte[in.remaining()];
        in.duplicate().get(copy);
        return zstd.decompress(copy, uncompressedSize);
      }
      byte[] out = new byte[uncompressedSize];
      int n =
          zstd.decompressByteArray(
              out,
              0,
              uncompressedSize,
              in.array(),
              in.arrayOffset() + in.position(),
              in.remaining());
      if (n != uncompressedSize) {
        throw new IllegalStateException(
            "zstd page decompressed to " + n + " bytes, header says " + uncompressedSize);
      }
      return out;
    }

    @Override
    public void decompress(
        ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
        throws IOException {
      byte[] in = new byte[compressedSize];
      input.duplicate().get(in);
      BytesInput out = decompress(BytesInput.from(in), uncompressedSize);
      output.put(out.toByteBuffer());
    }

    @Override
    public void release() {
      if (zstd != null) {
        zstd.close();
      }
    }
  }
}
