package io.floe.controlplane.ops;

/** The kinds of operation (DESIGN.md §9), named as OpenMLDB's {@code showopstatus} names them. */
public enum OpType {
  CreateTable,
  DropTable,
  ChangeLeader,
  OfflineReplica,
  ReAddReplica,
  RecoverTable,
  UpdateTableAlive,
  Migrate,
  AddReplica,
  DelReplica,
  RecoverEndpoint,
  OfflineEndpoint;

  /**
   * Whether an operation of this type may change who leads a partition. A failover (a {@code
   * ChangeLeader} away from a dead leader) waits only behind these: an operation that merely waits
   * for a replica to catch up must not hold a partition leaderless (OpenMLDB's ~70 s failover).
   */
  public boolean movesLeaders() {
    return switch (this) {
      case ChangeLeader, Migrate, RecoverEndpoint, OfflineEndpoint, DropTable -> true;
      default -> false;
    };
  }
}
