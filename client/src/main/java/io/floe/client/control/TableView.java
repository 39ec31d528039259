package io.floe.client.control;

import io.floe.core.table.Durability;
import io.floe.core.table.Schema;
import java.util.List;
import java.util.Objects;

/**
 * A table as the control plane describes it (control-api.md §2, {@code TableView}).
 *
 * @param ttlMs rows expire this long after their write, or null for no TTL
 * @param state {@code active} or {@code dropped}; kept as text so a newer control plane's state
 *     does not break an older client
 * @param dropTimeMs when a dropped table was dropped (ms since the epoch), else null
 * @param placement each partition's term, leader and replicas: filled by {@code describe} only,
 *     empty in lists and in the answers of create, drop and undrop
 */
public record TableView(
    String name,
    long tid,
    int partitions,
    int replicas,
    Durability durability,
    Long ttlMs,
    String state,
    Long dropTimeMs,
    Schema schema,
    List<PartitionView> placement) {
  public static final String ACTIVE = "active";
  public static final String DROPPED = "dropped";

  public TableView {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(durability, "durability");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(schema, "schema");
    placement = List.copyOf(Objects.requireNonNull(placement, "placement"));
  }

  public boolean dropped() {
    return DROPPED.equals(state);
  }

  /**
   * One partition in a table's description.
   *
   * @param leader the leading node, or null while the partition has none
   */
  public record PartitionView(int pid, long term, String leader, List<ReplicaView> replicas) {
    public PartitionView {
      replicas = List.copyOf(Objects.requireNonNull(replicas, "replicas"));
    }
  }

  /**
   * One replica of a partition.
   *
   * @param role {@code leader} or {@code follower}
   * @param state load state: {@code loading}, {@code normal}, {@code failed}, {@code missing}
   * @param lag how many offsets it is behind its leader
   */
  public record ReplicaView(
      String node,
      String endpoint,
      String role,
      boolean alive,
      String state,
      long offset,
      long lag) {}
}
