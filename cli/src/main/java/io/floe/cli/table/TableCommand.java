package io.floe.cli.table;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.cli.Arguments;
import io.floe.cli.ExitCodes;
import io.floe.cli.Floe;
import io.floe.cli.output.Output;
import io.floe.client.control.NewTable;
import io.floe.client.control.TableView;
import io.floe.client.control.TableView.PartitionView;
import io.floe.client.control.TableView.ReplicaView;
import io.floe.client.control.TableViewParser;
import io.floe.core.format.Json;
import io.floe.core.table.Column;
import io.floe.core.table.Durability;
import io.floe.core.table.Schema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code floe table}: create, list, describe, drop and undrop tables through the control API. */
@Command(
    name = "table",
    mixinStandardHelpOptions = true,
    description = "Creates, lists, describes, drops and undrops tables.",
    subcommands = CommandLine.HelpCommand.class)
public final class TableCommand implements Runnable {
  static final List<String> TABLE_COLUMNS =
      List.of("name", "tid", "partitions", "replicas", "durability", "ttl", "state");
  static final List<String> SCHEMA_COLUMNS = List.of("column", "type", "nullable", "primary_key");
  static final List<String> PLACEMENT_COLUMNS =
      List.of(
          "pid", "term", "leader", "node", "endpoint", "role", "alive", "state", "offset", "lag");

  @ParentCommand Floe floe;
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "a command is needed: create, list, describe, drop or undrop");
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Creates a table; the control plane chooses its id and places its replicas.")
  int create(
      @Parameters(paramLabel = "<db.table>") String name,
      @Option(
              names = "--schema",
              required = true,
              paramLabel = "FILE|JSON",
              description =
                  "Table schema document, in a file or inline: {\"columns\": [{\"name\": \"id\","
                      + " \"type\": \"int64\", \"nullable\": false}, …], \"primary-key\": [\"id\"]}")
          String schemaArgument,
      @Option(names = "--partitions", required = true, paramLabel = "N") int partitions,
      @Option(names = "--replicas", required = true, paramLabel = "N") int replicas,
      @Option(
              names = "--durability",
              paramLabel = "memory|replicated|s3",
              converter = DurabilityConverter.class,
              description = "Default: replicated with 2+ replicas, memory with one.")
          Durability durability,
      @Option(
              names = "--ttl",
              paramLabel = "DURATION",
              description = "Rows expire this long after their write (e.g. 1d).")
          Duration ttl) {
    Schema schema;
    try {
      schema = SchemaArgument.read(schemaArgument);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    NewTable table = new NewTable(name, schema, partitions, replicas, durability, ttl);
    return print(List.of(floe.control().createTable(table)), false);
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Active tables (and dropped ones with --dropped).")
  int list(@Option(names = "--dropped", description = "Include dropped tables.") boolean dropped) {
    return print(floe.control().listTables(dropped), true);
  }

  @Command(
      name = "describe",
      mixinStandardHelpOptions = true,
      description = "A table, its schema, and where each partition's replicas are.")
  int describe(@Parameters(paramLabel = "<db.table>") String name) {
    TableView table = floe.control().describeTable(name);
    Output out = floe.output();
    if (out.json()) {
      out.document(TableViewParser.toNode(table));
      return ExitCodes.OK;
    }
    out.table(TABLE_COLUMNS, List.of(row(table)));
    out.line("");
    List<List<String>> columns = new ArrayList<>();
    Schema schema = table.schema();
    for (Column column : schema.columns()) {
      int key = schema.primaryKey().indexOf(column.name());
      columns.add(
          List.of(
              column.name(),
              column.type().jsonName(),
              column.nullable() ? "yes" : "no",
              key < 0 ? "-" : Integer.toString(key + 1)));
    }
    out.table(SCHEMA_COLUMNS, columns);
    out.line("");
    out.table(PLACEMENT_COLUMNS, placement(table));
    return ExitCodes.OK;
  }

  @Command(
      name = "drop",
      mixinStandardHelpOptions = true,
      description = "Drops a table; it can be undropped while its data is retained.")
  int drop(@Parameters(paramLabel = "<db.table>") String name) {
    return print(List.of(floe.control().dropTable(name)), false);
  }

  @Command(
      name = "undrop",
      mixinStandardHelpOptions = true,
      description = "Makes a dropped table active again, reloaded from S3.")
  int undrop(@Parameters(paramLabel = "<db.table>") String name) {
    return print(List.of(floe.control().undropTable(name)), false);
  }

  /** As a table for people; as JSON a TableView, or {"tables": [...]} for a list. */
  private int print(List<TableView> tables, boolean list) {
    Output out = floe.output();
    if (out.json()) {
      if (!list) {
        out.document(TableViewParser.toNode(tables.get(0)));
      } else {
        ObjectNode document = Json.object();
        ArrayNode array = document.putArray("tables");
        tables.forEach(t -> array.add(TableViewParser.toNode(t)));
        out.document(document);
      }
      return ExitCodes.OK;
    }
    List<List<String>> rows = new ArrayList<>();
    tables.forEach(t -> rows.add(row(t)));
    out.table(TABLE_COLUMNS, rows);
    return ExitCodes.OK;
  }

  private static List<String> row(TableView t) {
    return List.of(
        t.name(),
        Long.toString(t.tid()),
        Integer.toString(t.partitions()),
        Integer.toString(t.replicas()),
        t.durability().jsonName(),
        t.ttlMs() == null ? "-" : Arguments.format(t.ttlMs()),
        t.state());
  }

  private static List<List<String>> placement(TableView table) {
    List<List<String>> rows = new ArrayList<>();
    for (PartitionView p : table.placement()) {
      for (ReplicaView r : p.replicas()) {
        rows.add(
            List.of(
                Integer.toString(p.pid()),
                Long.toString(p.term()),
                p.leader() == null ? "-" : p.leader(),
                r.node(),
                r.endpoint(),
                r.role(),
                r.alive() ? "yes" : "no",
                r.state(),
                Long.toString(r.offset()),
                Long.toString(r.lag())));
      }
    }
    return rows;
  }

  /** {@code memory}, {@code replicated} or {@code s3}. */
  public static final class DurabilityConverter implements ITypeConverter<Durability> {
    @Override
    public Durability convert(String text) {
      Durability durability = Durability.fromJsonName(text.trim());
      if (durability == null) {
        throw new TypeConversionException("'" + text + "' must be memory, replicated or s3");
      }
      return durability;
    }
  }
}
