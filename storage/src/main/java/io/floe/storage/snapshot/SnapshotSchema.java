package io.floe.storage.snapshot;

import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.Schema;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Maps a Floe table schema to the Parquet schema of its snapshots
 * (schemas/spec/parquet-snapshot.md): the table's columns in order, then the hidden {@code _offset}
 * and {@code _ts}.
 */
public final class SnapshotSchema {
  public static final String OFFSET_COLUMN = "_offset";
  public static final String TIMESTAMP_COLUMN = "_ts";
  public static final String MESSAGE_NAME = "floe_snapshot";

  /** Key-value metadata naming the snapshot layout version and the table's schema id. */
  public static final String FORMAT_VERSION_KEY = "floe.snapshot.format-version";

  public static final String SCHEMA_ID_KEY = "floe.schema-id";
  public static final String FORMAT_VERSION = "1";

  private SnapshotSchema() {}

  public static MessageType toParquet(Schema schema) {
    Types.MessageTypeBuilder message = Types.buildMessage();
    for (Column c : schema.columns()) {
      if (c.name().equals(OFFSET_COLUMN) || c.name().equals(TIMESTAMP_COLUMN)) {
        throw new IllegalArgumentException(
            "column name " + c.name() + " is reserved for snapshots");
      }
      message.addField(field(c));
    }
    message.addField(Types.required(PrimitiveTypeName.INT64).named(OFFSET_COLUMN));
    message.addField(
        Types.required(PrimitiveTypeName.INT64)
            .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
            .named(TIMESTAMP_COLUMN));
    return message.named(MESSAGE_NAME);
  }

  /**
   * Columns whose values a dictionary cannot shrink: a single-column primary key and the hidden
   * offset (unique within a snapshot), the hidden timestamp (almost unique) and opaque bytes
   * (typically ids, hashes or blobs). Parquet would fill a dictionary for each of them, look every
   * value up in it, and throw it away when it overflows; writing them plain from the start skips
   * that work and gives the same file size.
   */
  public static List<String> uniqueOrOpaqueColumns(Schema schema) {
    List<String> out = new ArrayList<>();
    for (Column c : schema.columns()) {
      boolean soleKey =
          schema.primaryKey().size() == 1 && schema.primaryKey().get(0).equals(c.name());
      if (soleKey || c.type() == ColumnType.BYTES) {
        out.add(c.name());
      }
    }
    out.add(OFFSET_COLUMN);
    out.add(TIMESTAMP_COLUMN);
    return out;
  }

  private static Type field(Column c) {
    Type.Repetition rep = c.nullable() ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
    return switch (c.type()) {
      case BOOL -> Types.primitive(PrimitiveTypeName.BOOLEAN, rep).named(c.name());
      case INT32 -> Types.primitive(PrimitiveTypeName.INT32, rep).named(c.name());
      case INT64 -> Types.primitive(PrimitiveTypeName.INT64, rep).named(c.name());
      case FLOAT32 -> Types.primitive(PrimitiveTypeName.FLOAT, rep).named(c.name());
      case FLOAT64 -> Types.primitive(PrimitiveTypeName.DOUBLE, rep).named(c.name());
      case STRING ->
          Types.primitive(PrimitiveTypeName.BINARY, rep)
              .as(LogicalTypeAnnotation.stringType())
              .named(c.name());
      case BYTES -> Types.primitive(PrimitiveTypeName.BINARY, rep).named(c.name());
      case TIMESTAMP ->
          Types.primitive(PrimitiveTypeName.INT64, rep)
              .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
              .named(c.name());
    };
  }
}
