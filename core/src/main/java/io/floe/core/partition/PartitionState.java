package io.floe.core.partition;

/**
 * Life cycle of a partition replica on a node (DESIGN.md §7). Only {@code NORMAL} serves requests;
 * the wire and etcd carry {@link #code()}.
 */
public enum PartitionState {
  LOADING(0),
  NORMAL(1),
  OFFLINE(2);

  private final int code;

  PartitionState(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static PartitionState of(int code) {
    for (PartitionState state : values()) {
      if (state.code == code) {
        return state;
      }
    }
    throw new IllegalArgumentException("unknown partition state " + code);
  }
}
