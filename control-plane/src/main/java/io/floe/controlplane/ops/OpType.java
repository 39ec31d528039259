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
  OfflineEndpoint
}
