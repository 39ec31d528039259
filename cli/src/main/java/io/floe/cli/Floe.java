package io.floe.cli;

import io.floe.cli.data.GetCommand;
import io.floe.cli.data.PutCommand;
import io.floe.cli.data.ScanCommand;
import io.floe.cli.ns.NsCommand;
import io.floe.cli.output.Output;
import io.floe.cli.table.TableCommand;
import io.floe.client.control.ControlClient;
import io.floe.client.control.ControlUnreachableException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code floe}, the command line of Floe (DESIGN.md §12): OpenMLDB's {@code ns} commands, tables,
 * and rows, over the control API ({@link ControlClient}) and the data protocol. The connection
 * options are accepted anywhere on the line; the exit codes are listed in the usage ({@link
 * ExitCodes}).
 */
@Command(
    name = "floe",
    mixinStandardHelpOptions = true,
    versionProvider = Floe.Version.class,
    description = "Floe's command line: the ns commands of OpenMLDB, tables and rows.",
    subcommands = {
      NsCommand.class,
      TableCommand.class,
      PutCommand.class,
      GetCommand.class,
      ScanCommand.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%nWhere the control plane is:%n",
    footer = {
      "  --endpoint, else $FLOE_ENDPOINT, else endpoint= in the config file",
      "  (--config, else ~/.floe/config), else " + ConnectionSettings.ENDPOINT_DEFAULT + ".",
      "  The token likewise: --token, $FLOE_TOKEN, token= in the config file."
    })
public final class Floe implements Callable<Integer>, AutoCloseable {
  @Spec CommandSpec spec;

  @Option(
      names = {"-e", "--endpoint"},
      scope = ScopeType.INHERIT,
      paramLabel = "URL[,URL...]",
      description = "Control-plane base URLs, tried in order.")
  String endpoint;

  @Option(
      names = "--token",
      scope = ScopeType.INHERIT,
      paramLabel = "TOKEN",
      description = "Bearer token for the control API.")
  String token;

  @Option(
      names = "--config",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description = "File of endpoint= and token= (default: ~/.floe/config).")
  Path config;

  @Option(
      names = "--json",
      scope = ScopeType.INHERIT,
      description = "Print JSON for scripts instead of tables.")
  boolean json;

  private final CliEnvironment environment;
  private final boolean inPrompt;
  private final boolean ownsControl;
  private ControlClient control;
  private ConnectionSettings settings;

  private Floe(CliEnvironment environment, ControlClient shared, boolean json, boolean inPrompt) {
    this.environment = environment;
    this.control = shared;
    this.ownsControl = shared == null;
    this.json = json;
    this.inPrompt = inPrompt;
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(args, CliEnvironment.system(), out, err));
  }

  /** Runs one command line and answers its exit code. */
  public static int run(
      String[] args, CliEnvironment environment, PrintWriter out, PrintWriter err) {
    try (Floe root = new Floe(environment, null, false, false)) {
      return commandLine(root, out, err).execute(args);
    }
  }

  /**
   * A root for one line typed at the {@code ns} prompt: same surroundings, the same control client
   * (already resolved and connected), and the same {@code --json}.
   */
  public Floe forPrompt() {
    return new Floe(environment, control(), json, true);
  }

  /** The command line of {@code root}, printing to {@code out} and {@code err}. */
  public static CommandLine commandLine(Floe root, PrintWriter out, PrintWriter err) {
    CommandLine cmd = new CommandLine(root);
    cmd.registerConverter(Duration.class, Arguments::duration);
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setExecutionExceptionHandler(Floe::failed);
    cmd.setParameterExceptionHandler(Floe::badCommandLine);
    listExitCodes(cmd, ExitCodes.DESCRIPTIONS);
    return cmd;
  }

  /**
   * Every command's usage lists the exit codes, so a script's author finds them where they look.
   */
  private static void listExitCodes(CommandLine cmd, Map<String, String> exitCodes) {
    cmd.getCommandSpec()
        .usageMessage()
        .exitCodeListHeading("%nExit codes:%n")
        .exitCodeList(exitCodes);
    cmd.getSubcommands().values().forEach(sub -> listExitCodes(sub, exitCodes));
  }

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(), "a command is needed: ns, table, put, get or scan");
  }

  public CliEnvironment environment() {
    return environment;
  }

  /** Whether this line was typed at the {@code ns} prompt (which does not open another). */
  public boolean inPrompt() {
    return inPrompt;
  }

  /** Where the answer goes: to this command line's stdout, as tables or JSON. */
  public Output output() {
    return new Output(spec.commandLine().getOut(), json);
  }

  /**
   * The control client, opened on first use from the connection settings.
   *
   * @throws ParameterException when the settings are wrong (a missing --config file, a bad URL)
   */
  public ControlClient control() {
    if (control == null) {
      control = ControlClient.connect(settings().controlConfig());
    }
    return control;
  }

  private ConnectionSettings settings() {
    if (settings == null) {
      try {
        settings = ConnectionSettings.resolve(endpoint, token, config, environment);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
      }
    }
    return settings;
  }

  private static int failed(Exception error, CommandLine cmd, ParseResult parsed) {
    String message = error.getMessage() == null ? error.toString() : error.getMessage();
    if (error instanceof ControlUnreachableException
        && cmd.getCommandSpec().root().userObject() instanceof Floe root
        && root.settings != null) {
      message += " (endpoint from " + root.settings.endpointSource() + ")";
    }
    cmd.getErr().println("floe: " + message);
    cmd.getErr().flush();
    return ExitCodes.of(error);
  }

  private static int badCommandLine(ParameterException error, String[] args) {
    CommandLine cmd = error.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("floe: " + error.getMessage());
    if (!UnmatchedArgumentException.printSuggestions(error, err)) {
      err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
    }
    err.flush();
    return ExitCodes.USAGE;
  }

  @Override
  public void close() {
    if (ownsControl && control != null) {
      control.close();
    }
  }

  /** The version in the jar's manifest (none when run from classes). */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Floe.class.getPackage().getImplementationVersion();
      return new String[] {"floe " + (version == null ? "(development build)" : version)};
    }
  }
}
