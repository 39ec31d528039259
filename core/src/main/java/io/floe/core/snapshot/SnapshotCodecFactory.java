package io.floe.core.snapshot;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
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

  private static final class Compressor implements BytesInputCompressor {
    private final CompressionCodecName codec;
    private final ZstdCompressCtx zstd;

    Compressor(CompressionCodecName codec, ZstdCompressCtx zstd) {
      this.codec = codec;
      this.zstd = zstd;
    }

    @Override
    public BytesInput compress(BytesInput bytes) throws IOException {
      return switch (codec) {
        case ZSTD -> BytesInput.from(zstd.compress(bytes.toByteArray()));
        case SNAPPY -> BytesInput.from(Snappy.compress(bytes.toByteArray()));
        default -> bytes;
      };
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
        case ZSTD -> BytesInput.from(zstd.decompress(bytes.toByteArray(), uncompressedSize));
        case SNAPPY -> BytesInput.from(Snappy.uncompress(bytes.toByteArray()));
        default -> bytes;
      };
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
