package io.floe.testsupport.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OnFreePortsTest {
  private static final String TAKEN =
      "etcd exited before it became healthy (member n2); log:\n"
          + "etcdmain: listen tcp 127.0.0.1:37783: bind: address already in use";

  @Test
  void aPortTakenBeforeTheMemberBoundItIsTriedAgainWithNewPortsUpToThreeTimes() {
    AtomicInteger starts = new AtomicInteger();
    String started =
        EtcdProcess.onFreePorts(
            () -> {
              if (starts.incrementAndGet() < 3) {
                throw new IllegalStateException(TAKEN);
              }
              return "up";
            });
    assertThat(started).isEqualTo("up");
    assertThat(starts).hasValue(3);

    starts.set(0);
    assertThatThrownBy(
            () ->
                EtcdProcess.onFreePorts(
                    () -> {
                      starts.incrementAndGet();
                      throw new IllegalStateException(TAKEN);
                    }))
        .hasMessageContaining("address already in use");
    assertThat(starts).hasValue(3);
  }

  @Test
  void anyOtherFailureIsNotTriedAgain() {
    AtomicInteger starts = new AtomicInteger();
    assertThatThrownBy(
            () ->
                EtcdProcess.onFreePorts(
                    () -> {
                      starts.incrementAndGet();
                      throw new IllegalStateException("etcd did not become healthy within 60 s");
                    }))
        .hasMessageContaining("within 60 s");
    assertThat(starts).hasValue(1);
  }
}
