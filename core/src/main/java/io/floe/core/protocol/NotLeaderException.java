package io.floe.core.protocol;

/**
 * The node does not lead the partition. Nothing was applied, so a write may be sent again to {@link
 * #leaderEndpoint()} (empty when the node does not know the leader).
 */
public class NotLeaderException extends FloeRequestException {
  public NotLeaderException(String message, String leaderEndpoint) {
    super(ErrorCode.NOT_LEADER, message, leaderEndpoint);
  }

  /** {@code host:port} of the leader, or empty when unknown. */
  public String leaderEndpoint() {
    return detail();
  }
}
