package io.floe.storage.snapshot;

import io.floe.core.table.ColumnType;
import io.floe.core.table.Row;
import io.floe.core.table.Schema;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.InitContext;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.MessageType;

/**
 * Materialises snapshot records straight from Parquet's converters. The file must hold the expected
 * table schema (checked by {@link SnapshotFileReader} before reading starts).
 */
final class SnapshotReadSupport extends ReadSupport<SnapshotRecord> {
  private final Schema schema;

  SnapshotReadSupport(Schema schema) {
    this.schema = schema;
  }

  /** The materializer without going through Parquet's Hadoop-flavoured read path. */
  RecordMaterializer<SnapshotRecord> materializer() {
    return new Materializer(schema);
  }

  @Override
  public ReadContext init(InitContext context) {
    return new ReadContext(SnapshotSchema.toParquet(schema));
  }

  @Override
  public RecordMaterializer<SnapshotRecord> prepareForRead(
      Configuration conf, Map<String, String> meta, MessageType fileSchema, ReadContext context) {
    return new Materializer(schema);
  }

  @Override
  public RecordMaterializer<SnapshotRecord> prepareForRead(
      ParquetConfiguration conf,
      Map<String, String> meta,
      MessageType fileSchema,
      ReadContext context) {
    return new Materializer(schema);
  }

  private static final class Materializer extends RecordMaterializer<SnapshotRecord> {
    private final RowConverter root;

    Materializer(Schema schema) {
      root = new RowConverter(schema);
    }

    @Override
    public SnapshotRecord getCurrentRecord() {
      return root.record();
    }

    @Override
    public GroupConverter getRootConverter() {
      return root;
    }
  }

  /** Collects one record's values; a fresh array per record because rows are immutable values. */
  private static final class RowConverter extends GroupConverter {
    private final int width;
    private final Converter[] converters;
    private Object[] values;
    private long offset;
    private long timestamp;

    RowConverter(Schema schema) {
      width = schema.size();
      converters = new Converter[width + 2];
      for (int i = 0; i < width; i++) {
        converters[i] = valueConverter(schema.column(i).type(), i);
      }
      converters[width] =
          new PrimitiveConverter() {
            @Override
            public void addLong(long value) {
              offset = value;
            }
          };
      converters[width + 1] =
          new PrimitiveConverter() {
            @Override
            public void addLong(long value) {
              timestamp = value;
            }
          };
    }

    private Converter valueConverter(ColumnType type, int i) {
      return type == ColumnType.STRING ? new StringConverter(i) : new ValueConverter(i);
    }

    SnapshotRecord record() {
      return new SnapshotRecord(new Row(values), offset, timestamp);
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return converters[fieldIndex];
    }

    @Override
    public void start() {
      values = new Object[width];
    }

    @Override
    public void end() {}

    private class ValueConverter extends PrimitiveConverter {
      final int index;

      ValueConverter(int index) {
        this.index = index;
      }

      @Override
      public void addBoolean(boolean value) {
        values[index] = value;
      }

      @Override
      public void addInt(int value) {
        values[index] = value;
      }

      @Override
      public void addLong(long value) {
        values[index] = value;
      }

      @Override
      public void addFloat(float value) {
        values[index] = value;
      }

      @Override
      public void addDouble(double value) {
        values[index] = value;
      }

      @Override
      public void addBinary(Binary value) {
        // Always a private copy: Parquet may hand out the same Binary for repeated dictionary
        // values.
        ByteBuffer b = value.toByteBuffer();
        byte[] copy = new byte[b.remaining()];
        b.get(copy);
        values[index] = copy;
      }
    }

    /** Decodes each dictionary entry once: strings repeat a lot in real tables. */
    private final class StringConverter extends ValueConverter {
      private String[] dictionary;

      StringConverter(int index) {
        super(index);
      }

      @Override
      public boolean hasDictionarySupport() {
        return true;
      }

      @Override
      public void setDictionary(Dictionary dict) {
        dictionary = new String[dict.getMaxId() + 1];
        for (int id = 0; id < dictionary.length; id++) {
          dictionary[id] = dict.decodeToBinary(id).toStringUsingUTF8();
        }
      }

      @Override
      public void addValueFromDictionary(int dictionaryId) {
        values[index] = dictionary[dictionaryId];
      }

      @Override
      public void addBinary(Binary value) {
        values[index] = value.toStringUsingUTF8();
      }
    }
  }
}
