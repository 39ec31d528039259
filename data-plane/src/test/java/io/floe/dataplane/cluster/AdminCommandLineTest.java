package io.floe.dataplane.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.dataplane.cluster.AdminCommandLine.Parsed;
import io.floe.dataplane.cluster.AdminCommandLine.UsageException;
import org.junit.jupiter.api.Test;

/** {@code floe-admin}'s command line: every mistake is named, nothing is silently dropped. */
class AdminCommandLineTest {

  private static Parsed parse(String... args) {
    return AdminCommandLine.parse(args);
  }

  @Test
  void readsACommandWithSpacedAndEqualsFlags() {
    Parsed p =
        parse(
            "create-table",
            "--etcd",
            "http://e:2379",
            "--table=db.t",
            "--tid",
            "7",
            "--schema",
            "s.json",
            "--nodes",
            "a,b",
            "--durability",
            "s3");
    assertThat(p.command()).isEqualTo("create-table");
    assertThat(p.get("etcd", "x")).isEqualTo("http://e:2379");
    assertThat(p.required("table")).isEqualTo("db.t");
    assertThat(p.longValue("tid", 0)).isEqualTo(7);
    assertThat(p.intValue("partitions", 1)).isEqualTo(1);
    assertThat(p.get("cluster", "floe")).isEqualTo("floe");
  }

  @Test
  void aTrailingFlagWithoutAValueIsRefused() {
    assertThatThrownBy(() -> parse("drop-table", "--table", "db.t", "--cluster"))
        .isInstanceOf(UsageException.class)
        .hasMessage("--cluster needs a value");
  }

  @Test
  void aFlagFollowedByAnotherFlagHasNoValue() {
    assertThatThrownBy(() -> parse("drop-table", "--cluster", "--table", "db.t"))
        .hasMessage("--cluster needs a value");
    assertThatThrownBy(() -> parse("drop-table", "--table=")).hasMessage("--table needs a value");
  }

  @Test
  void unknownFlagsCommandsAndStrayArgumentsAreRefused() {
    assertThatThrownBy(() -> parse("drop-table", "--table", "db.t", "--tid", "3"))
        .hasMessage("unknown flag --tid for drop-table");
    assertThatThrownBy(() -> parse("drop-tables", "--table", "db.t"))
        .hasMessageStartingWith("unknown command 'drop-tables'");
    assertThatThrownBy(() -> parse("drop-table", "db.t"))
        .hasMessageStartingWith("unexpected argument 'db.t'");
    assertThatThrownBy(() -> parse())
        .isInstanceOf(UsageException.class)
        .hasMessage("no command given");
  }

  @Test
  void duplicateAndMissingRequiredFlagsAreRefused() {
    assertThatThrownBy(() -> parse("drop-table", "--table", "a.b", "--table", "c.d"))
        .hasMessage("--table is given twice");
    assertThatThrownBy(() -> parse("move-leader", "--tid", "3", "--partition", "0"))
        .hasMessage("move-leader needs --node");
  }

  @Test
  void numbersAreChecked() {
    Parsed p = parse("move-leader", "--tid", "x3", "--partition", "0", "--node", "a");
    assertThatThrownBy(() -> p.longValue("tid", 0))
        .hasMessage("--tid must be a whole number, not 'x3'");
  }

  @Test
  void usageNamesEveryCommandAndFlagWithAnExample() {
    for (String word :
        new String[] {
          "create-table",
          "move-leader",
          "drop-table",
          "--etcd",
          "--cluster",
          "--table",
          "--tid",
          "--schema",
          "--nodes",
          "--partitions",
          "--replicas",
          "--durability",
          "--partition",
          "--node",
          "example:"
        }) {
      assertThat(AdminCommandLine.USAGE).contains(word);
    }
    assertThat(AdminCommandLine.isHelp(new String[] {"--help"})).isTrue();
  }
}
