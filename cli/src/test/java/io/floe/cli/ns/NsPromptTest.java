package io.floe.cli.ns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NsPromptTest {
  @Test
  void wordsSplitAtSpacesAndQuotesKeepThem() {
    assertThat(NsPrompt.words("  showtable   db.t ")).containsExactly("showtable", "db.t");
    assertThat(NsPrompt.words("confset x 'a b' \"c d\" ''"))
        .containsExactly("confset", "x", "a b", "c d", "");
    assertThatThrownBy(() -> NsPrompt.words("confset x 'a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unclosed ' in: confset x 'a");
  }
}
