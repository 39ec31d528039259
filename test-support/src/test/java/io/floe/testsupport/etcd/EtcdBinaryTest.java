package io.floe.testsupport.etcd;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EtcdBinaryTest {

  @Test
  void missingBinaryTellsHowToInstallIt() {
    assertThatThrownBy(() -> EtcdBinary.locate(Map.of("PATH", "/nonexistent")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("apt-get install -y etcd-server etcd-client");
  }

  @Test
  void explicitBinaryMustBeExecutable() {
    assertThatThrownBy(() -> EtcdBinary.locate(Map.of("FLOE_ETCD_BIN", "/nonexistent/etcd")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("FLOE_ETCD_BIN=/nonexistent/etcd");
  }
}
