package io.floe.core.partition;

/** Whether a replica leads its partition (takes writes) or follows the leader. */
public enum PartitionRole {
  LEADER(0),
  FOLLOWER(1);

  private final int code;

  PartitionRole(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static PartitionRole of(int code) {
    for (PartitionRole role : values()) {
      if (role.code == code) {
        return role;
      }
    }
    throw new IllegalArgumentException("unknown partition role " + code);
  }
}
