package io.floe.loadtests.ycsb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YcsbStoreTest {
  @TempDir Path dir;

  @Test
  void aJarIsKnownByItsArtifactIdUpToTheVersion() {
    assertThat(YcsbStore.isArtifact("netty-transport-4.2.7.Final.jar", "netty-transport")).isTrue();
    assertThat(
            YcsbStore.isArtifact(
                "netty-transport-classes-epoll-4.2.7.Final.jar", "netty-transport"))
        .isFalse();
    assertThat(
            YcsbStore.isArtifact(
                "netty-transport-native-epoll-4.2.7.Final-linux-x86_64.jar",
                "netty-transport-native-epoll"))
        .isTrue();
    assertThat(YcsbStore.isArtifact("json-20240303.jar", "json")).isTrue();
    assertThat(YcsbStore.isArtifact("json-utils-2.56.0.jar", "json")).isFalse();
    assertThat(YcsbStore.isArtifact("jedis-5.2.0.pom", "jedis")).isFalse();
  }

  @Test
  void eachStoresJvmGetsTheHarnessClassesYcsbsLibrariesThenItsClientsInOneOrder() throws Exception {
    Path classes = Files.createDirectories(dir.resolve("1-classes"));
    List<String> jars =
        List.of(
            "m2/io/netty/netty-buffer/4.2.7.Final/netty-buffer-4.2.7.Final.jar",
            "2-floe-client-0.1.0-SNAPSHOT.jar",
            "3-floe-core-0.1.0-SNAPSHOT.jar",
            "5-floe-storage-0.1.0-SNAPSHOT.jar",
            "m2/io/netty/netty-codec-http/4.2.7.Final/netty-codec-http-4.2.7.Final.jar",
            "m2/software/amazon/awssdk/s3/2.56.0/s3-2.56.0.jar",
            "m2/site/ycsb/core/0.17.0/core-0.17.0.jar",
            "m2/com/github/openstack4j/core/core/3.12/core-3.12.jar",
            "m2/redis/clients/jedis/5.2.0/jedis-5.2.0.jar",
            "m2/org/json/json/20240303/json-20240303.jar",
            "m2/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar");
    StringBuilder all = new StringBuilder(classes.toString());
    for (String jar : jars) {
      all.append(File.pathSeparator).append(dir.resolve(jar));
    }

    String floe = YcsbStore.floe("127.0.0.1:1", 0, List.of()).classpath(all.toString());
    String redis = YcsbStore.redis("127.0.0.1:2", 0).classpath(all.toString());

    assertThat(names(floe))
        .containsExactly(
            "1-classes",
            "core-0.17.0.jar",
            "slf4j-api-2.0.17.jar",
            "2-floe-client-0.1.0-SNAPSHOT.jar",
            "3-floe-core-0.1.0-SNAPSHOT.jar",
            "netty-buffer-4.2.7.Final.jar");
    assertThat(names(redis))
        .containsExactly(
            "1-classes",
            "core-0.17.0.jar",
            "slf4j-api-2.0.17.jar",
            "jedis-5.2.0.jar",
            "json-20240303.jar");
  }

  private static List<String> names(String classpath) {
    return java.util.Arrays.stream(classpath.split(File.pathSeparator))
        .map(e -> Path.of(e).getFileName().toString())
        .toList();
  }
}
