package io.floe.cli.ns;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.cli.CliFailure;
import io.floe.cli.ExitCodes;
import io.floe.cli.Floe;
import io.floe.cli.output.Output;
import io.floe.client.control.ControlClient;
import io.floe.client.control.JsonValues;
import io.floe.client.control.Operation;
import io.floe.core.format.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code floe ns}: OpenMLDB's name-server commands with their names, arguments and column headers,
 * so an OpenMLDB operator's habits and scripts carry over. Commands that move replicas or leaders
 * start an operation and print its id; {@code --wait} waits for it to end.
 */
@Command(
    name = "ns",
    mixinStandardHelpOptions = true,
    description = {
      "OpenMLDB's ns commands.",
      "Without a command: a prompt reading commands from stdin until quit, exit or end of input."
    },
    subcommands = CommandLine.HelpCommand.class)
public final class NsCommand implements Callable<Integer> {
  static final List<String> SHOWTABLE =
      List.of(
          "name",
          "tid",
          "pid",
          "endpoint",
          "role",
          "ttl",
          "is_alive",
          "compress_type",
          "offset",
          "record_cnt",
          "memused");
  static final List<String> SHOWTABLET = List.of("endpoint", "node", "state", "age");
  static final List<String> GETTABLESTATUS =
      List.of("tid", "pid", "endpoint", "role", "state", "offset", "is_alive");

  static final List<String> CONFGET = List.of("key", "value");

  @ParentCommand Floe floe;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (floe.inPrompt()) {
      throw new ParameterException(spec.commandLine(), "a command is needed ('help' lists them)");
    }
    return new NsPrompt(floe, spec.commandLine().getOut(), spec.commandLine().getErr()).run();
  }

  private ControlClient control() {
    return floe.control();
  }

  // ---- reads ------------------------------------------------------------------------------

  @Command(
      name = "showtable",
      mixinStandardHelpOptions = true,
      description = "Replicas of every table, or of one.")
  int showtable(@Parameters(arity = "0..1", paramLabel = "<table>") String table) {
    return rows(SHOWTABLE, control().showTable(table));
  }

  @Command(
      name = "showtablet",
      mixinStandardHelpOptions = true,
      description = "Data nodes and their state.")
  int showtablet() {
    return rows(SHOWTABLET, control().showTablet());
  }

  @Command(
      name = "gettablestatus",
      mixinStandardHelpOptions = true,
      description = "Load state of the replicas of every table, or of one.")
  int gettablestatus(@Parameters(arity = "0..1", paramLabel = "<table>") String table) {
    return rows(GETTABLESTATUS, control().getTableStatus(table));
  }

  @Command(
      name = "confget",
      mixinStandardHelpOptions = true,
      description = "The control plane's settings, or one.")
  int confget(@Parameters(arity = "0..1", paramLabel = "<name>") String name) {
    return config(control().config(), name);
  }

  @Command(
      name = "confset",
      mixinStandardHelpOptions = true,
      description = "Changes a setting, e.g. confset auto_failover false.")
  int confset(
      @Parameters(paramLabel = "<name>") String name,
      @Parameters(paramLabel = "<value>") String value) {
    return config(control().setConfig(name, value), name);
  }

  @Command(
      name = "showopstatus",
      mixinStandardHelpOptions = true,
      description = "Operations, newest first: all, of a table, or of one partition.")
  int showopstatus(
      @Parameters(arity = "0..1", paramLabel = "<table>") String table,
      @Parameters(arity = "0..1", paramLabel = "<pid>") Integer pid) {
    return operations(control().operations(table, pid));
  }

  @Command(
      name = "cancelop",
      mixinStandardHelpOptions = true,
      description = "Cancels an operation that has not ended.")
  int cancelop(@Parameters(paramLabel = "<op_id>") long opId) {
    return operations(List.of(control().cancelOperation(opId)));
  }

  // ---- operations -------------------------------------------------------------------------

  @Command(
      name = "changeleader",
      mixinStandardHelpOptions = true,
      description =
          "Moves a partition's leadership to a replica (auto: the control plane chooses).")
  int changeleader(
      @Parameters(paramLabel = "<table>") String table,
      @Parameters(paramLabel = "<pid>") int pid,
      @Parameters(arity = "0..1", paramLabel = "<endpoint|auto>", defaultValue = "auto")
          String endpoint,
      @Mixin WaitOptions wait) {
    return submitted(control().changeLeader(table, pid, endpoint), wait);
  }

  @Command(
      name = "offlineendpoint",
      mixinStandardHelpOptions = true,
      description = "Takes a data node's replicas out of service (leaderships move away).")
  int offlineendpoint(
      @Parameters(paramLabel = "<endpoint>") String endpoint, @Mixin WaitOptions wait) {
    return submitted(control().offlineEndpoint(endpoint), wait);
  }

  @Command(
      name = "recoverendpoint",
      mixinStandardHelpOptions = true,
      description = "Brings a data node's replicas back and catches them up.")
  int recoverendpoint(
      @Parameters(paramLabel = "<endpoint>") String endpoint, @Mixin WaitOptions wait) {
    return submitted(control().recoverEndpoint(endpoint), wait);
  }

  @Command(
      name = "recovertable",
      mixinStandardHelpOptions = true,
      description = "Recovers one partition's replica on a node.")
  int recovertable(
      @Parameters(paramLabel = "<table>") String table,
      @Parameters(paramLabel = "<pid>") int pid,
      @Parameters(paramLabel = "<endpoint>") String endpoint,
      @Mixin WaitOptions wait) {
    return submitted(control().recoverTable(table, pid, endpoint), wait);
  }

  @Command(
      name = "updatetablealive",
      mixinStandardHelpOptions = true,
      description = "Marks a replica (of one partition, or * for all) alive or not.")
  int updatetablealive(
      @Parameters(paramLabel = "<table>") String table,
      @Parameters(paramLabel = "<pid|*>", converter = PidOrAll.Converter.class) PidOrAll pid,
      @Parameters(paramLabel = "<endpoint>") String endpoint,
      @Parameters(paramLabel = "yes|no", converter = YesNo.Converter.class) YesNo alive,
      @Mixin WaitOptions wait) {
    long op =
        pid.all()
            ? control().updateTableAliveAllPartitions(table, endpoint, alive.yes())
            : control().updateTableAlive(table, pid.pid(), endpoint, alive.yes());
    return submitted(op, wait);
  }

  @Command(
      name = "migrate",
      mixinStandardHelpOptions = true,
      description =
          "Moves partitions' replicas from one node to another (pids: 3, 1,3,5 or 2-5); one operation each.")
  int migrate(
      @Parameters(paramLabel = "<src_endpoint>") String src,
      @Parameters(paramLabel = "<table>") String table,
      @Parameters(paramLabel = "<pid_group>", converter = PidGroup.Converter.class) PidGroup pids,
      @Parameters(paramLabel = "<des_endpoint>") String des,
      @Mixin WaitOptions wait) {
    return submitted(control().migrate(src, table, pids.pids(), des), true, wait);
  }

  @Command(
      name = "addreplica",
      mixinStandardHelpOptions = true,
      description = "Adds a replica of a partition on a node.")
  int addreplica(
      @Parameters(paramLabel = "<table>") String table,
      @Parameters(paramLabel = "<pid>") int pid,
      @Parameters(paramLabel = "<endpoint>") String endpoint,
      @Mixin WaitOptions wait) {
    return submitted(control().addReplica(table, pid, endpoint), wait);
  }

  @Command(
      name = "delreplica",
      mixinStandardHelpOptions = true,
      description = "Removes a partition's replica from a node.")
  int delreplica(
      @Parameters(paramLabel = "<table>") String table,
      @Parameters(paramLabel = "<pid>") int pid,
      @Parameters(paramLabel = "<endpoint>") String endpoint,
      @Mixin WaitOptions wait) {
    return submitted(control().delReplica(table, pid, endpoint), wait);
  }

  @Command(
      name = "loadtable",
      mixinStandardHelpOptions = true,
      description = "Loads a partition's replica on a node from S3.")
  int loadtable(
      @Parameters(paramLabel = "<table>") String table,
      @Parameters(paramLabel = "<pid>") int pid,
      @Parameters(paramLabel = "<endpoint>") String endpoint,
      @Mixin WaitOptions wait) {
    return submitted(control().loadTable(table, pid, endpoint), wait);
  }

  // ---- printing ---------------------------------------------------------------------------

  private int rows(List<String> columns, List<Map<String, Object>> rows) {
    Output out = floe.output();
    if (out.json()) {
      ObjectNode document = Json.object();
      document.set("rows", JsonValues.toNode(rows));
      out.document(document);
    } else {
      out.maps(columns, rows);
    }
    return ExitCodes.OK;
  }

  private int config(Map<String, String> settings, String name) {
    Map<String, String> shown = settings;
    if (name != null) {
      if (!settings.containsKey(name)) {
        throw new CliFailure(
            ExitCodes.REFUSED,
            "no setting named '" + name + "'; the settings are " + settings.keySet());
      }
      shown = Map.of(name, settings.get(name));
    }
    Output out = floe.output();
    if (out.json()) {
      out.document(JsonValues.toNode(shown));
      return ExitCodes.OK;
    }
    List<List<String>> rows = new ArrayList<>();
    shown.forEach((k, v) -> rows.add(List.of(k, v == null ? "-" : v)));
    out.table(CONFGET, rows);
    return ExitCodes.OK;
  }

  private int operations(List<Operation> ops) {
    return new OperationReport(floe).print(ops);
  }

  private int submitted(long opId, WaitOptions wait) {
    return submitted(List.of(opId), false, wait);
  }

  private int submitted(List<Long> ids, boolean many, WaitOptions wait) {
    return new OperationReport(floe).submitted(ids, many, wait);
  }
}
