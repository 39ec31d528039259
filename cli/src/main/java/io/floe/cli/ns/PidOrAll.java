package io.floe.cli.ns;

import io.floe.cli.Arguments;
import picocli.CommandLine.ITypeConverter;

/** {@code updatetablealive}'s partition: one pid, or {@code *} for every partition. */
public record PidOrAll(Integer pid) {
  public static final String ALL = "*";

  public boolean all() {
    return pid == null;
  }

  /** {@code *} or a partition id. */
  public static final class Converter implements ITypeConverter<PidOrAll> {
    @Override
    public PidOrAll convert(String text) {
      return ALL.equals(text.trim()) ? new PidOrAll(null) : new PidOrAll(Arguments.pid(text, text));
    }
  }
}
