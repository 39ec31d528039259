package io.floe.dataplane.testing;

import io.floe.core.table.Column;
import io.floe.core.table.ColumnType;
import io.floe.core.table.KeyCodec;
import io.floe.core.table.RowCodec;
import io.floe.core.table.Schema;
import java.util.List;

/** The small table most data-plane tests write: {@code id int64} (the key), {@code name string}. */
public final class IdNameTable {
  public static final Schema SCHEMA =
      new Schema(
          1,
          List.of(
              new Column("id", ColumnType.INT64, false),
              new Column("name", ColumnType.STRING, true)),
          List.of("id"));
  public static final RowCodec ROWS = new RowCodec(SCHEMA);
  public static final KeyCodec KEYS = new KeyCodec(SCHEMA);

  private IdNameTable() {}
}
