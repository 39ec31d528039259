package io.floe.core.table;

import io.floe.core.format.FormatException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** UTF-8 lengths without encoding, and a strict decode that refuses malformed input. */
final class Utf8 {
  private Utf8() {}

  /**
   * The UTF-8 length of {@code s}.
   *
   * @throws IllegalArgumentException at an unpaired surrogate, which UTF-8 cannot carry
   */
  static int length(String s) {
    int length = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        length += 1;
      } else if (c < 0x800) {
        length += 2;
      } else if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c)
            || i + 1 >= s.length()
            || !Character.isLowSurrogate(s.charAt(i + 1))) {
          throw new IllegalArgumentException("unpaired surrogate at index " + i);
        }
        length += 4;
        i++;
      } else {
        length += 3;
      }
    }
    return length;
  }

  /**
   * Decodes UTF-8. The JDK's fast decoder replaces malformed input with U+FFFD; only when that
   * character shows up do we pay for a strict decode to tell a real U+FFFD from corruption.
   */
  static String decode(String what, byte[] bytes, int offset, int length) {
    String s = new String(bytes, offset, length, StandardCharsets.UTF_8);
    if (s.indexOf('\uFFFD') >= 0) {
      try {
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes, offset, length));
      } catch (CharacterCodingException e) {
        throw new FormatException(what + ": invalid UTF-8 in a string value", e);
      }
    }
    return s;
  }
}
