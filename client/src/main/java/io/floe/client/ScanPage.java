package io.floe.client;

import io.floe.core.table.Row;
import java.util.List;

/**
 * One page of a partition scan, in key order; pass {@link #continuation()} to the next call, null
 * when the range is exhausted.
 */
public record ScanPage(List<Row> rows, byte[] continuation) {
  public boolean hasMore() {
    return continuation != null;
  }
}
