package io.floe.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigReaderTest {
  @Test
  void parsesDurationsInShortAndIsoForm() {
    assertThat(ConfigReader.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(ConfigReader.parseDuration("2s")).isEqualTo(Duration.ofSeconds(2));
    assertThat(ConfigReader.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(ConfigReader.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(ConfigReader.parseDuration("1d")).isEqualTo(Duration.ofDays(1));
    assertThat(ConfigReader.parseDuration("PT3S")).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void parsesSizesWithBinaryUnits() {
    assertThat(ConfigReader.parseSize("100")).isEqualTo(100);
    assertThat(ConfigReader.parseSize("16KiB")).isEqualTo(16 * 1024);
    assertThat(ConfigReader.parseSize("8MiB")).isEqualTo(8L << 20);
    assertThat(ConfigReader.parseSize("1 GiB")).isEqualTo(1L << 30);
  }

  @Test
  void defaultsApplyToMissingAndBlankKeys() {
    ConfigReader c = new ConfigReader(Map.of("a", " "));
    assertThat(c.integer("a", 3)).isEqualTo(3);
    assertThat(c.bool("b", true)).isTrue();
    assertThat(c.string("c")).isEmpty();
  }

  @Test
  void badValuesNameTheKeyAndTheValue() {
    ConfigReader c = new ConfigReader(Map.of("x.timeout", "soon", "x.flag", "yes"));
    assertThatThrownBy(() -> c.duration("x.timeout", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x.timeout")
        .hasMessageContaining("'soon'");
    assertThatThrownBy(() -> c.bool("x.flag", false)).hasMessageContaining("x.flag");
    assertThatThrownBy(() -> c.required("x.missing")).hasMessage("x.missing is required");
  }
}
