package io.floe.dataplane.cluster;

import io.floe.storage.cluster.PartitionAssignment;
import java.util.Optional;

/**
 * A replica the desired state puts on this node: its table's name, the assignment, and why it could
 * not be created if it could not (reported in its status).
 */
record AssignedReplica(String table, PartitionAssignment assignment, Optional<String> error) {}
