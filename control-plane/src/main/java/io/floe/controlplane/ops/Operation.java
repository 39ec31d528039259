package io.floe.controlplane.ops;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One long-running change, stored in etcd under {@code ops/{id}} (DESIGN.md §9) so that it survives
 * the control plane that started it: the next leader resumes it at {@code curTask}. {@code params}
 * hold what the operation was asked and what its tasks decided (the new term, the chosen leader),
 * so that resuming repeats no decision differently.
 *
 * @param pid the partition, or -1 for an operation on a whole node or table
 */
public record Operation(
    long id,
    OpType type,
    String table,
    int pid,
    OpStatus status,
    long startTimeMs,
    Optional<Long> endTimeMs,
    String curTask,
    Optional<String> reason,
    Map<String, String> params) {

  public Operation {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(curTask, "curTask");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(endTimeMs, "endTimeMs");
    params = Map.copyOf(params);
  }

  public String param(String name) {
    return params.get(name);
  }

  public Operation at(String task, OpStatus newStatus) {
    return new Operation(
        id, type, table, pid, newStatus, startTimeMs, endTimeMs, task, reason, params);
  }

  public Operation with(String name, String value) {
    Map<String, String> p = new TreeMap<>(params);
    p.put(name, value);
    return new Operation(id, type, table, pid, status, startTimeMs, endTimeMs, curTask, reason, p);
  }

  public Operation because(String why) {
    return new Operation(
        id,
        type,
        table,
        pid,
        status,
        startTimeMs,
        endTimeMs,
        curTask,
        Optional.ofNullable(why),
        params);
  }

  public Operation ended(OpStatus end, long nowMs, String why) {
    return new Operation(
        id,
        type,
        table,
        pid,
        end,
        startTimeMs,
        Optional.of(nowMs),
        curTask,
        why == null ? reason : Optional.of(why),
        params);
  }

  /** True when it works on partition {@code table}/{@code pid} (or the whole table, or a node). */
  public boolean touches(String otherTable, int otherPid) {
    return table.equals(otherTable) && (pid < 0 || otherPid < 0 || pid == otherPid);
  }
}
