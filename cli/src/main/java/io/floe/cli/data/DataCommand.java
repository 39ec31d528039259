package io.floe.cli.data;

import io.floe.cli.Floe;
import io.floe.client.FloeClient;
import io.floe.client.FloeTable;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What {@code put}, {@code get} and {@code scan} share: the data nodes from the control plane, a
 * client on them for the one command, the table's handle, and input errors as usage errors.
 */
@Command
abstract class DataCommand implements Callable<Integer> {
  @ParentCommand Floe floe;
  @Spec CommandSpec spec;

  /** Runs {@code work} on the table's handle with a client opened for it and closed after. */
  final int onTable(String table, Function<FloeTable, Integer> work) {
    try (FloeClient client = DataNodes.connect(floe.control())) {
      return work.apply(client.table(table));
    }
  }

  /** A value the user typed is wrong: exit 2 with its message. */
  final ParameterException badInput(IllegalArgumentException e) {
    return new ParameterException(spec.commandLine(), e.getMessage(), e);
  }
}
