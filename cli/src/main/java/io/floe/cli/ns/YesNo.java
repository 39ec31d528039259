package io.floe.cli.ns;

import io.floe.cli.Arguments;
import picocli.CommandLine.ITypeConverter;

/**
 * OpenMLDB's {@code yes} / {@code no} argument. A type of its own: picocli reads a {@code boolean}
 * parameter as a flag and would never hand {@code no} to a converter.
 */
public record YesNo(boolean yes) {
  /** Reads {@link Arguments#yesNo}. */
  public static final class Converter implements ITypeConverter<YesNo> {
    @Override
    public YesNo convert(String text) {
      return new YesNo(Arguments.yesNo(text));
    }
  }
}
