package io.floe.dataplane.cluster;

/**
 * An admin change lost against the state it read: the table already exists, an assignment changed
 * meanwhile, or the named table/partition/node is not what the change needs.
 */
public class AssignmentConflictException extends RuntimeException {
  public AssignmentConflictException(String message) {
    super(message);
  }
}
