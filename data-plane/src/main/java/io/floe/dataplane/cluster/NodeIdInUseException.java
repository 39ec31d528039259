package io.floe.dataplane.cluster;

/**
 * Another live process holds this node's registration in etcd: two processes with one node id would
 * write the same WAL stream and answer for the same partitions, so the second refuses.
 */
public class NodeIdInUseException extends RuntimeException {
  private final String nodeId;
  private final String holder;

  public NodeIdInUseException(String nodeId, String holder) {
    super(
        "node id '"
            + nodeId
            + "' is registered by another live process ("
            + holder
            + "); stop it or choose another node.id");
    this.nodeId = nodeId;
    this.holder = holder;
  }

  public String nodeId() {
    return nodeId;
  }

  /** The other process's registration as stored (endpoint, incarnation). */
  public String holder() {
    return holder;
  }
}
