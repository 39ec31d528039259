package io.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class ArgumentsTest {
  @Test
  void pidGroupsAsOpenMldbWritesThem() {
    assertThat(Arguments.pids("3")).containsExactly(3);
    assertThat(Arguments.pids("1,3,5")).containsExactly(1, 3, 5);
    assertThat(Arguments.pids("2-5")).containsExactly(2, 3, 4, 5);
    assertThat(Arguments.pids("0, 4-6,5")).containsExactly(0, 4, 5, 6);
    assertThatThrownBy(() -> Arguments.pids("1,x"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage("'1,x' is not a partition id or group (3, 1,3,5 or 2-5)");
    assertThatThrownBy(() -> Arguments.pids("-1")).isInstanceOf(TypeConversionException.class);
  }

  @Test
  void durationsAndTheirPrintedForm() {
    assertThat(Arguments.duration("1d")).isEqualTo(Duration.ofDays(1));
    assertThat(Arguments.duration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Arguments.duration("PT2H")).isEqualTo(Duration.ofHours(2));
    assertThatThrownBy(() -> Arguments.duration("")).isInstanceOf(TypeConversionException.class);
    assertThatThrownBy(() -> Arguments.duration("3 weeks"))
        .hasMessageContaining("'3 weeks' is not a duration");
    assertThat(Arguments.format(86_400_000L)).isEqualTo("1d");
    assertThat(Arguments.format(90_000L)).isEqualTo("90s");
    assertThat(Arguments.format(7_200_000L)).isEqualTo("2h");
    assertThat(Arguments.format(1_500L)).isEqualTo("1500ms");
  }

  @Test
  void yesOrNo() {
    assertThat(Arguments.yesNo("yes")).isTrue();
    assertThat(Arguments.yesNo("NO")).isFalse();
    assertThatThrownBy(() -> Arguments.yesNo("true")).hasMessage("'true' must be yes or no");
  }
}
