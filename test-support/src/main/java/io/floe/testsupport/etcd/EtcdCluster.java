package io.floe.testsupport.etcd;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A three-member etcd cluster on loopback, each member with its own temporary data directory.
 * Members can be stopped, killed and restarted one at a time (same ports, same data) to test what
 * clients see when the member they talk to goes away.
 */
public final class EtcdCluster implements AutoCloseable {
  private final List<EtcdProcess> members;

  private EtcdCluster(List<EtcdProcess> members) {
    this.members = members;
  }

  /** Starts three members and waits until every one is healthy (has a leader). */
  public static EtcdCluster start() {
    return start(3);
  }

  /** Starts {@code size} members on free ports and waits until every one is healthy. */
  public static EtcdCluster start(int size) {
    return EtcdProcess.onFreePorts(() -> startOnce(size));
  }

  private static EtcdCluster startOnce(int size) {
    List<EtcdOptions> options = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      options.add(new EtcdOptions("n" + i, FreePorts.next(), FreePorts.next(), null, ""));
    }
    String initialCluster =
        options.stream().map(o -> o.name() + "=" + o.peerUrl()).collect(Collectors.joining(","));
    List<EtcdProcess> members = new ArrayList<>();
    try {
      for (EtcdOptions o : options) {
        members.add(
            EtcdProcess.launch(
                new EtcdOptions(o.name(), o.clientPort(), o.peerPort(), null, initialCluster)));
      }
      members.forEach(EtcdProcess::awaitHealthy);
      return new EtcdCluster(members);
    } catch (RuntimeException e) {
      members.forEach(EtcdProcess::close);
      throw e;
    }
  }

  /** The client URLs of all members, in member order. */
  public List<String> clientEndpoints() {
    return members.stream().map(EtcdProcess::clientEndpoint).collect(Collectors.toList());
  }

  public List<EtcdProcess> members() {
    return List.copyOf(members);
  }

  /** Member {@code index} (0-based). */
  public EtcdProcess member(int index) {
    return members.get(index);
  }

  public void stop(int index) {
    member(index).stop();
  }

  public void kill(int index) {
    member(index).kill();
  }

  public void restart(int index) {
    member(index).restart();
  }

  @Override
  public void close() {
    members.forEach(EtcdProcess::close);
  }
}
