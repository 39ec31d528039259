package io.floe.cli.ns;

import io.floe.cli.Arguments;
import java.util.List;
import picocli.CommandLine.ITypeConverter;

/** The partitions {@code migrate} moves: {@code 3}, {@code 1,3,5}, {@code 2-5} or a mix. */
public record PidGroup(List<Integer> pids) {
  public PidGroup {
    pids = List.copyOf(pids);
  }

  /** Reads {@link Arguments#pids}. */
  public static final class Converter implements ITypeConverter<PidGroup> {
    @Override
    public PidGroup convert(String text) {
      return new PidGroup(Arguments.pids(text));
    }
  }
}
