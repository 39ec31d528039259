package io.floe.storage.snapshot;

import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.Row;
import io.floe.core.table.Schema;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * Feeds snapshot records straight to Parquet's record consumer (no Avro or example groups). Never
 * touches Hadoop's {@code Configuration}, so writing needs no Hadoop at run time.
 */
final class SnapshotWriteSupport extends WriteSupport<SnapshotRecord> {
  private final Schema schema;
  private final ColumnType[] types;
  private final String[] names;
  private final int[] required;
  private RecordConsumer out;

  SnapshotWriteSupport(Schema schema) {
    this.schema = schema;
    this.types = schema.columns().stream().map(Column::type).toArray(ColumnType[]::new);
    this.names = schema.columns().stream().map(Column::name).toArray(String[]::new);
    this.required =
        java.util.stream.IntStream.range(0, schema.size())
            .filter(i -> !schema.column(i).nullable())
            .toArray();
  }

  @Override
  public WriteContext init(Configuration configuration) {
    return context();
  }

  @Override
  public WriteContext init(ParquetConfiguration configuration) {
    return context();
  }

  private WriteContext context() {
    return new WriteContext(
        SnapshotSchema.toParquet(schema),
        Map.of(
            SnapshotSchema.FORMAT_VERSION_KEY,
            SnapshotSchema.FORMAT_VERSION,
            SnapshotSchema.SCHEMA_ID_KEY,
            Integer.toString(schema.schemaId())));
  }

  @Override
  public String getName() {
    return "floe";
  }

  @Override
  public void prepareForWrite(RecordConsumer recordConsumer) {
    this.out = recordConsumer;
  }

  /**
   * Checks a row before it reaches Parquet: a row Parquet rejects half-way leaves its writer
   * unusable, a row refused here does not.
   */
  void check(Row row) {
    Object[] values = row.values();
    if (values.length != types.length) {
      throw new IllegalArgumentException(
          "row has " + values.length + " values for " + types.length + " columns");
    }
    for (int i : required) {
      if (values[i] == null) {
        throw new IllegalArgumentException("null in required column " + names[i]);
      }
    }
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null && !types[i].javaType().isInstance(values[i])) {
        throw new IllegalArgumentException(
            "column "
                + names[i]
                + " holds a "
                + values[i].getClass().getSimpleName()
                + ", not a "
                + types[i].javaType().getSimpleName());
      }
    }
  }

  @Override
  public void write(SnapshotRecord record) {
    Object[] values = record.row().values();
    out.startMessage();
    for (int i = 0; i < types.length; i++) {
      Object v = values[i];
      if (v != null) {
        out.startField(names[i], i);
        addValue(types[i], v);
        out.endField(names[i], i);
      }
    }
    int n = types.length;
    out.startField(SnapshotSchema.OFFSET_COLUMN, n);
    out.addLong(record.offset());
    out.endField(SnapshotSchema.OFFSET_COLUMN, n);
    out.startField(SnapshotSchema.TIMESTAMP_COLUMN, n + 1);
    out.addLong(record.timestamp());
    out.endField(SnapshotSchema.TIMESTAMP_COLUMN, n + 1);
    out.endMessage();
  }

  private void addValue(ColumnType type, Object v) {
    switch (type) {
      case BOOL -> out.addBoolean((Boolean) v);
      case INT32 -> out.addInteger((Integer) v);
      case INT64, TIMESTAMP -> out.addLong((Long) v);
      case FLOAT32 -> out.addFloat((Float) v);
      case FLOAT64 -> out.addDouble((Double) v);
      case STRING ->
          out.addBinary(
              Binary.fromConstantByteArray(((String) v).getBytes(StandardCharsets.UTF_8)));
      case BYTES -> out.addBinary(Binary.fromConstantByteArray((byte[]) v));
    }
  }
}
