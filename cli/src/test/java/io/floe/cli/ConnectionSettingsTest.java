package io.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.cli.CliRun.Result;
import io.floe.client.control.FakeControlApi;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Where the endpoint and token come from: flag, then environment, then file, then default. */
@Timeout(60)
class ConnectionSettingsTest {
  @TempDir Path home;

  private CliEnvironment environment(Map<String, String> variables) {
    return new CliEnvironment(variables, home, new ByteArrayInputStream(new byte[0]));
  }

  private void homeConfig(String text) throws IOException {
    Files.createDirectories(home.resolve(".floe"));
    Files.writeString(home.resolve(ConnectionSettings.CONFIG_FILE_DEFAULT), text);
  }

  @Test
  void withNothingSetTheDefaultEndpointAndNoToken() {
    ConnectionSettings settings =
        ConnectionSettings.resolve(null, null, null, environment(Map.of()));
    assertThat(settings.endpoints()).containsExactly(ConnectionSettings.ENDPOINT_DEFAULT);
    assertThat(settings.token()).isNull();
    assertThat(settings.endpointSource()).isEqualTo("the default");
  }

  @Test
  void eachSettingComesFromTheFirstPlaceThatSetsIt() throws IOException {
    homeConfig("endpoint=http://file:1\ntoken=file-token\n");
    Map<String, String> env =
        Map.of("FLOE_ENDPOINT", "http://env:1,env-2:7080", "FLOE_TOKEN", "env-token");

    ConnectionSettings fileOnly =
        ConnectionSettings.resolve(null, null, null, environment(Map.of()));
    assertThat(fileOnly.endpoints()).containsExactly("http://file:1");
    assertThat(fileOnly.token()).isEqualTo("file-token");

    ConnectionSettings envOverFile = ConnectionSettings.resolve(null, null, null, environment(env));
    assertThat(envOverFile.endpoints()).containsExactly("http://env:1", "http://env-2:7080");
    assertThat(envOverFile.token()).isEqualTo("env-token");
    assertThat(envOverFile.endpointSource()).isEqualTo("FLOE_ENDPOINT");

    ConnectionSettings flags =
        ConnectionSettings.resolve("http://flag:1", "flag-token", null, environment(env));
    assertThat(flags.endpoints()).containsExactly("http://flag:1");
    assertThat(flags.token()).isEqualTo("flag-token");

    ConnectionSettings mixed =
        ConnectionSettings.resolve(
            null, null, null, environment(Map.of("FLOE_TOKEN", "env-token")));
    assertThat(mixed.endpoints()).containsExactly("http://file:1");
    assertThat(mixed.token()).isEqualTo("env-token");
  }

  @Test
  void configFlagReplacesTheHomeFileAndMustExist() throws IOException {
    homeConfig("endpoint=http://home:1\n");
    Path other = Files.writeString(home.resolve("other.properties"), "endpoint=http://other:1\n");
    assertThat(ConnectionSettings.resolve(null, null, other, environment(Map.of())).endpoints())
        .containsExactly("http://other:1");
    assertThatThrownBy(
            () ->
                ConnectionSettings.resolve(null, null, home.resolve("none"), environment(Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--config: no file " + home.resolve("none"));
    assertThatThrownBy(
            () -> ConnectionSettings.resolve("ftp://x", null, null, environment(Map.of())))
        .hasMessageContaining("endpoint from --endpoint: control-plane URL 'ftp://x'");
  }

  @Test
  void theCommandLineUsesThemInThatOrder() throws IOException {
    try (FakeControlApi file = FakeControlApi.start();
        FakeControlApi env = FakeControlApi.start();
        FakeControlApi flag = FakeControlApi.start().requireToken("flag-token")) {
      homeConfig("endpoint=" + file.url() + "\n");
      CliRun cli = new CliRun(home);
      assertThat(cli.run("ns", "showtablet").exitCode()).isZero();
      assertThat(file.received()).hasSize(1);

      cli.env(Map.of("FLOE_ENDPOINT", env.url(), "FLOE_TOKEN", "env-token"));
      assertThat(cli.run("ns", "showtablet").exitCode()).isZero();
      assertThat(env.received())
          .extracting(FakeControlApi.Received::auth)
          .containsExactly("Bearer env-token");

      Result flagged =
          cli.run("ns", "showtablet", "--endpoint", flag.url(), "--token", "flag-token");
      assertThat(flagged.exitCode()).as(flagged.err()).isZero();
      assertThat(flag.received()).hasSize(1);
      assertThat(file.received()).hasSize(1);
      assertThat(env.received()).hasSize(1);

      Result missingConfig =
          cli.run("--config", home.resolve("none").toString(), "ns", "showtablet");
      assertThat(missingConfig.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(missingConfig.err()).contains("--config: no file");
    }
  }

  @Test
  void exitCodesAreListedInTheUsage() {
    Result help = new CliRun(home).run("--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("Exit codes:");
    ExitCodes.DESCRIPTIONS.values().forEach(text -> assertThat(help.out()).contains(text));
    assertThat(new CliRun(home).run("ns", "changeleader", "--help").out())
        .contains("Exit codes:", ExitCodes.DESCRIPTIONS.get("4"));
    Result none = new CliRun(home).run();
    assertThat(none.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(none.err()).contains("a command is needed");
    assertThat(
            List.of(
                ExitCodes.OK,
                ExitCodes.REFUSED,
                ExitCodes.USAGE,
                ExitCodes.UNREACHABLE,
                ExitCodes.OPERATION_FAILED))
        .containsExactly(0, 1, 2, 3, 4);
  }
}
