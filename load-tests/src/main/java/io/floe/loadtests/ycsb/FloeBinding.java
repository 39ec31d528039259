package io.floe.loadtests.ycsb;

import io.floe.client.FloeTable;
import io.floe.client.KeyRange;
import io.floe.core.protocol.ConditionFailedException;
import io.floe.core.table.Row;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Vector;
import java.util.concurrent.atomic.AtomicInteger;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;

/**
 * YCSB binding for Floe, written as an application would use the Java client: one shared client,
 * each YCSB thread making blocking calls ({@link SharedFloeTable} lists the {@code floe.*}
 * properties). Records are rows of {@link YcsbRows}.
 *
 * <p>Updates are partial updates: only the named fields are written, in one round trip, merged into
 * the current row atomically on the partition's leader (a record that does not exist is {@code
 * NOT_FOUND}), as Redis's HSET does for a hash.
 */
public final class FloeBinding extends DB {
  /** Failures printed to stderr (message only) before the rest are just counted by YCSB. */
  private static final int ERRORS_PRINTED = 10;

  private static final AtomicInteger errors = new AtomicInteger();

  private FloeTable table;
  private YcsbRows rows;

  @Override
  public void init() throws DBException {
    try {
      SharedFloeTable shared = SharedFloeTable.get(getProperties());
      table = shared.table;
      rows = shared.rows;
    } catch (RuntimeException e) {
      throw new DBException("cannot open the Floe table: " + e.getMessage(), e);
    }
  }

  @Override
  public Status read(
      String tableName, String key, Set<String> fields, Map<String, ByteIterator> result) {
    try {
      Row row = table.get(key);
      if (row == null) {
        return Status.NOT_FOUND;
      }
      rows.project(row, fields, result);
      return Status.OK;
    } catch (RuntimeException e) {
      return failed("read", e);
    }
  }

  @Override
  public Status scan(
      String tableName,
      String startKey,
      int recordCount,
      Set<String> fields,
      Vector<HashMap<String, ByteIterator>> result) {
    try {
      List<Row> found = table.scan(KeyRange.of(new Object[] {startKey}, null), recordCount);
      for (Row row : found) {
        HashMap<String, ByteIterator> record = new HashMap<>();
        rows.project(row, fields, record);
        result.add(record);
      }
      return Status.OK;
    } catch (RuntimeException e) {
      return failed("scan", e);
    }
  }

  /** A partial update of the named fields (see the class comment). */
  @Override
  public Status update(String tableName, String key, Map<String, ByteIterator> values) {
    try {
      table.update(rows.columns(values), key);
      return Status.OK;
    } catch (ConditionFailedException absent) {
      return Status.NOT_FOUND;
    } catch (RuntimeException e) {
      return failed("update", e);
    }
  }

  @Override
  public Status insert(String tableName, String key, Map<String, ByteIterator> values) {
    try {
      table.put(rows.toRow(key, values));
      return Status.OK;
    } catch (RuntimeException e) {
      return failed("insert", e);
    }
  }

  @Override
  public Status delete(String tableName, String key) {
    try {
      table.delete(key);
      return Status.OK;
    } catch (RuntimeException e) {
      return failed("delete", e);
    }
  }

  private static Status failed(String op, RuntimeException e) {
    if (errors.incrementAndGet() <= ERRORS_PRINTED) {
      System.err.println("floe " + op + " failed: " + e);
    }
    return Status.ERROR;
  }
}
