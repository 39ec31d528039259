package io.floe.core.table;

import io.floe.core.format.FormatException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies the row patches a WAL logs for partial updates ({@link PartialRow#patch}, {@code
 * wal-object.md} §2.6) to the encoded row they update. One per table schema; the projection of a
 * column list is built once and kept, for at most {@link PartialRows#MAX_CACHED} lists (past that,
 * built per patch and not kept, so a WAL naming arbitrary column lists cannot grow it).
 */
public final class RowPatcher {
  private final Schema schema;
  private final RowCodec rows;

  /** By a copy of the patch's header bytes (count and indexes), compared by content. */
  private final ConcurrentHashMap<ByteBuffer, PartialRow> projections = new ConcurrentHashMap<>();

  public RowPatcher(Schema schema) {
    this.schema = schema;
    this.rows = new RowCodec(schema);
  }

  /**
   * The encoded row {@code current} with the patch's columns replaced.
   *
   * @throws FormatException when the patch is malformed for this schema
   */
  public byte[] apply(byte[] current, byte[] patch) {
    if (patch.length < 2) {
      throw new FormatException("row patch of " + patch.length + " bytes has no column count");
    }
    int n = (patch[0] & 0xFF) | (patch[1] & 0xFF) << 8;
    int header = 2 + 2 * n;
    if (n == 0 || patch.length < header) {
      throw new FormatException(
          "row patch of " + patch.length + " bytes cannot hold " + n + " column indexes");
    }
    PartialRow partial = projections.get(ByteBuffer.wrap(patch, 0, header).slice());
    if (partial == null) {
      partial = projection(patch, n);
      if (projections.size() < PartialRows.MAX_CACHED) {
        // The key holds a copy: a slice of the patch would keep its values alive too.
        PartialRow raced =
            projections.putIfAbsent(ByteBuffer.wrap(Arrays.copyOf(patch, header)), partial);
        partial = raced == null ? partial : raced;
      }
    }
    byte[] values = Arrays.copyOfRange(patch, header, patch.length);
    return rows.encode(partial.merge(rows.decode(current), values));
  }

  /** How many column lists are kept. */
  int cached() {
    return projections.size();
  }

  private static int index(byte[] patch, int i) {
    return (patch[2 + 2 * i] & 0xFF) | (patch[3 + 2 * i] & 0xFF) << 8;
  }

  private PartialRow projection(byte[] patch, int n) {
    List<String> names = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int index = index(patch, i);
      if (index >= schema.size()) {
        throw new FormatException(
            "row patch names column " + index + " of a schema of " + schema.size());
      }
      names.add(schema.column(index).name());
    }
    try {
      return new PartialRow(schema, names);
    } catch (SchemaViolationException e) {
      throw new FormatException("row patch: " + e.getMessage(), e);
    }
  }
}
