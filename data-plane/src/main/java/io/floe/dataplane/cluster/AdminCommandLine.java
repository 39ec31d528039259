package io.floe.dataplane.cluster;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command line of {@code floe-admin} ({@link AssignmentAdmin#main}): one command and its flags,
 * parsed strictly — an unknown command or flag, a flag without a value, a flag given twice, a
 * missing required flag or a stray argument is an {@link UsageException} naming it, never silently
 * dropped.
 */
final class AdminCommandLine {
  static final String ETCD_DEFAULT = "http://127.0.0.1:2379";

  private static final Set<String> COMMON = Set.of("etcd", "cluster");

  /** Each command with its required flags, then its optional ones. */
  private static final Map<String, List<Set<String>>> COMMANDS =
      Map.of(
          "create-table",
          List.of(
              Set.of("table", "tid", "schema", "nodes"),
              Set.of("partitions", "replicas", "durability")),
          "move-leader",
          List.of(Set.of("tid", "partition", "node"), Set.of()),
          "drop-table",
          List.of(Set.of("table"), Set.of()));

  static final String USAGE =
      """
      usage: floe-admin COMMAND [--etcd URLS] [--cluster NAME] FLAGS...

      Writes desired state into etcd until the control plane exists.

      commands:
        create-table  creates a table and assigns its partitions over the given nodes
                      (round-robin leaders, term 1), in one transaction
            --table DB.TABLE      the table's full name (required)
            --tid N               the table id, never reused (required)
            --schema FILE         the table schema as JSON (required)
            --nodes A,B,C         node ids to place the replicas on (required)
            --partitions P        number of partitions (default 1)
            --replicas R          replicas per partition (default 1)
            --durability MODE     memory, replicated or s3 (default memory)
        move-leader   makes a node holding a replica of a partition its leader in the next term
                      (a table of 2+ replicas: prepare that term on the replicas first, or
                      hand over; without it the old leader may acknowledge writes the new one
                      never sees — replication.md §7)
            --tid N               the table id (required)
            --partition P         the partition (required)
            --node ID             the new leader (required)
        drop-table    deletes a table's definition and assignments: every node releases it
            --table DB.TABLE      the table's full name (required)

      flags of every command:
        --etcd URLS               comma-separated etcd client URLs (default http://127.0.0.1:2379)
        --cluster NAME            the cluster name: keys under /floe/NAME/ (default floe)

      Flags take a value as --flag VALUE or --flag=VALUE. Exit codes: 0 done, 1 refused by etcd
      (e.g. the table exists), 2 bad command line.

      example:
        floe-admin create-table --etcd http://127.0.0.1:2379 --cluster local --table demo.kv \\
            --tid 7 --schema schema.json --partitions 3 --replicas 1 --durability s3 \\
            --nodes node-1,node-2,node-3
      """;

  /** A bad command line; the message says what is wrong. */
  static final class UsageException extends IllegalArgumentException {
    UsageException(String message) {
      super(message);
    }
  }

  /** A parsed command line: the command and its flags by name (without {@code --}). */
  record Parsed(String command, Map<String, String> flags) {
    String get(String name, String defaultValue) {
      return flags.getOrDefault(name, defaultValue);
    }

    String required(String name) {
      return flags.get(name); // presence checked when parsing
    }

    long longValue(String name, long defaultValue) {
      String text = flags.get(name);
      try {
        return text == null ? defaultValue : Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw new UsageException("--" + name + " must be a whole number, not '" + text + "'");
      }
    }

    int intValue(String name, int defaultValue) {
      long value = longValue(name, defaultValue);
      if (value < 0 || value > Integer.MAX_VALUE) {
        throw new UsageException("--" + name + " is out of range: " + value);
      }
      return (int) value;
    }
  }

  private AdminCommandLine() {}

  static Parsed parse(String[] args) {
    if (args.length == 0) {
      throw new UsageException("no command given");
    }
    String command = args[0];
    List<Set<String>> flags = COMMANDS.get(command);
    if (flags == null) {
      throw new UsageException(
          "unknown command '" + command + "' (commands: create-table, move-leader, drop-table)");
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new UsageException("unexpected argument '" + arg + "': flags start with --");
      }
      String name = arg.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        value = args[++i];
      } else {
        throw new UsageException("--" + name + " needs a value");
      }
      if (!COMMON.contains(name) && !flags.get(0).contains(name) && !flags.get(1).contains(name)) {
        throw new UsageException("unknown flag --" + name + " for " + command);
      }
      if (value.isEmpty()) {
        throw new UsageException("--" + name + " needs a value");
      }
      if (values.putIfAbsent(name, value) != null) {
        throw new UsageException("--" + name + " is given twice");
      }
    }
    for (String required : flags.get(0).stream().sorted().toList()) {
      if (!values.containsKey(required)) {
        throw new UsageException(command + " needs --" + required);
      }
    }
    return new Parsed(command, values);
  }

  static boolean isHelp(String[] args) {
    return args.length == 1 && Set.of("-h", "--help", "help").contains(args[0]);
  }
}
