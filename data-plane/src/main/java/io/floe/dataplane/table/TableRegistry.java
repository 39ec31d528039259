package io.floe.dataplane.table;

import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/** The tables this node hosts, by full name ({@code db.table}). */
public final class TableRegistry {
  private final ConcurrentHashMap<String, HostedTable> tables = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, HostedTable> byId = new ConcurrentHashMap<>();

  /**
   * @throws FloeRequestException {@code TABLE_NOT_FOUND}
   */
  public HostedTable get(String name) {
    HostedTable table = tables.get(name);
    if (table == null) {
      throw new FloeRequestException(
          ErrorCode.TABLE_NOT_FOUND, "table '" + name + "' is not hosted by this node");
    }
    return table;
  }

  /** The table of that name, or null. */
  public HostedTable find(String name) {
    return tables.get(name);
  }

  /** Adds the table unless one of that name exists; returns the table now registered. */
  public HostedTable addIfAbsent(HostedTable table) {
    HostedTable existing = tables.putIfAbsent(table.name(), table);
    if (existing == null) {
      byId.put(table.tableId(), table);
      return table;
    }
    return existing;
  }

  /** Removes exactly {@code table} (not a newer table that took its name); true if it did. */
  public boolean remove(HostedTable table) {
    boolean removed = tables.remove(table.name(), table);
    if (removed) {
      byId.remove(table.tableId(), table);
    }
    return removed;
  }

  /** The table with id {@code tid}, or null (replication addresses partitions by table id). */
  public HostedTable findById(long tid) {
    return byId.get(tid);
  }

  public Collection<HostedTable> all() {
    return tables.values();
  }
}
