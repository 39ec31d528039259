package io.floe.storage.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MetaKeysTest {
  private final MetaKeys keys = MetaKeys.forCluster("prod");

  @Test
  void everyKeyLivesUnderTheClusterRoot() {
    assertThat(keys.table("sales.orders")).isEqualTo("/floe/prod/tables/sales.orders");
    assertThat(keys.partition(7, 3)).isEqualTo("/floe/prod/partitions/7/3");
    assertThat(keys.node("n1")).isEqualTo("/floe/prod/nodes/n1");
    assertThat(keys.partitionStatus("n1", 7, 3)).isEqualTo("/floe/prod/status/n1/7/3");
    assertThat(keys.config("auto_failover")).isEqualTo("/floe/prod/config/auto_failover");
    assertThat(keys.operation("42")).isEqualTo("/floe/prod/ops/42");
    assertThat(keys.job("b-1")).isEqualTo("/floe/prod/jobs/b-1");
    assertThat(keys.schedule("nightly")).isEqualTo("/floe/prod/schedules/nightly");
    assertThat(keys.election("control-plane")).isEqualTo("/floe/prod/election/control-plane");
  }

  @Test
  void prefixesEndWithASlashSoSiblingsDoNotMatch() {
    assertThat(keys.partitionsPrefix(1)).isEqualTo("/floe/prod/partitions/1/");
    assertThat(keys.partition(10, 0)).doesNotStartWith(keys.partitionsPrefix(1));
    assertThat(keys.statusPrefix("n1")).isEqualTo("/floe/prod/status/n1/");
  }

  @Test
  void badNamesAreRefusedWithTheReason() {
    assertThatThrownBy(() -> MetaKeys.forCluster(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cluster name must not be empty");
    assertThatThrownBy(() -> MetaKeys.forCluster("a/b"))
        .hasMessageContaining("cluster name must not contain '/'");
    assertThatThrownBy(() -> keys.table("db/t")).hasMessageContaining("table name");
    assertThatThrownBy(() -> keys.table("..")).hasMessageContaining("'.' or '..'");
    assertThatThrownBy(() -> keys.node("has space")).hasMessageContaining("node id");
    assertThatThrownBy(() -> keys.partition(-1, 0)).hasMessageContaining("table id");
    assertThatThrownBy(() -> keys.table(null)).hasMessageContaining("must not be empty");
  }

  @Test
  void lastSegmentIsTheName() {
    assertThat(MetaKeys.lastSegment(keys.table("db.t"))).isEqualTo("db.t");
  }
}
