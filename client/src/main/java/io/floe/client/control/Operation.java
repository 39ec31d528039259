package io.floe.client.control;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A long-running change the control plane runs for the caller (control-api.md §4, DESIGN.md §9): it
 * moves through {@code inited}, {@code doing} and ends {@code done}, {@code failed} or {@code
 * canceled}.
 *
 * @param type {@code ChangeLeader}, {@code Migrate}, … (OpenMLDB's names)
 * @param table the table it works on, or null for one that concerns a node
 * @param pid the partition, or null for one that concerns a node or a whole table
 * @param executeTime how long it ran, as the control plane prints it ({@code 1.2s})
 * @param reason why it failed or was canceled, else null
 * @param detail type-specific members, as sent (column order kept)
 */
public record Operation(
    long opId,
    String type,
    String table,
    Integer pid,
    String status,
    Instant startTime,
    Instant endTime,
    String executeTime,
    String currentTask,
    String reason,
    Map<String, Object> detail) {
  public static final String INITED = "inited";
  public static final String DOING = "doing";
  public static final String DONE = "done";
  public static final String FAILED = "failed";
  public static final String CANCELED = "canceled";
  private static final Set<String> ENDED = Set.of(DONE, FAILED, CANCELED);

  public Operation {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(status, "status");
    detail = detail == null ? Map.of() : detail;
  }

  /** It ended: done, failed or canceled; its status will not change again. */
  public boolean ended() {
    return ENDED.contains(status);
  }

  public boolean succeeded() {
    return DONE.equals(status);
  }
}
