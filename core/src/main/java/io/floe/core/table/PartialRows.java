package io.floe.core.table;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link PartialRow}s of one schema by the column names an update gives, each built once:
 * client and node see the same few column lists again and again (an application updates the same
 * fields), and building a projection (a schema, a codec, the names checked) on every update was
 * work and garbage per call. Thread-safe. At most {@link #MAX_CACHED} lists are kept; past that, a
 * new list is built per call and not kept, so arbitrary column combinations cannot grow it without
 * bound.
 */
public final class PartialRows {
  public static final int MAX_CACHED = 256;

  private final Schema schema;
  private final ConcurrentHashMap<List<String>, PartialRow> byNames = new ConcurrentHashMap<>();

  public PartialRows(Schema schema) {
    this.schema = schema;
  }

  /**
   * The projection of the named columns, in the order named.
   *
   * @throws SchemaViolationException as {@link PartialRow#PartialRow} (nothing is kept then)
   */
  public PartialRow of(List<String> names) {
    PartialRow partial = byNames.get(names);
    if (partial != null) {
      return partial;
    }
    partial = new PartialRow(schema, names);
    if (byNames.size() < MAX_CACHED) {
      PartialRow raced = byNames.putIfAbsent(partial.names(), partial);
      return raced == null ? partial : raced;
    }
    return partial;
  }

  /** How many column lists are kept. */
  int cached() {
    return byNames.size();
  }
}
