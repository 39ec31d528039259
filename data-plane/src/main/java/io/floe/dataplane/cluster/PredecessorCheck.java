package io.floe.dataplane.cluster;

import io.floe.storage.cluster.NodeRegistration;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Tells whether the process named by a registration left in etcd is provably dead, so that a node
 * restarted with the same id may take the registration over without waiting out the old lease
 * (spec.md §12.4). Provably dead means: it registered this process's own endpoint (this process
 * listens there, so the old one cannot), or a TCP connection to its endpoint is refused (nothing
 * listens there). Anything else — it accepts, the connection times out, the host is unknown or
 * unreachable — counts as alive: a stopped ({@code SIGSTOP}) process still accepts connections.
 */
final class PredecessorCheck {
  static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);

  private final String ownEndpoint;

  PredecessorCheck(String ownEndpoint) {
    this.ownEndpoint = ownEndpoint;
  }

  boolean provablyDead(NodeRegistration holder) {
    return holder.endpoint().equals(ownEndpoint) || refusesConnections(holder.endpoint());
  }

  /** True only when a connection to {@code host:port} is actively refused. */
  static boolean refusesConnections(String endpoint) {
    int colon = endpoint.lastIndexOf(':');
    if (colon <= 0) {
      return false;
    }
    String host = endpoint.substring(0, colon).replace("[", "").replace("]", "");
    int port;
    try {
      port = Integer.parseInt(endpoint.substring(colon + 1));
    } catch (NumberFormatException e) {
      return false;
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }
}
