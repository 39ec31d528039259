package io.floe.loadtests.ycsb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.Vector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.Status;
import site.ycsb.StringByteIterator;

/**
 * The Redis binding as YCSB drives it, against a redis-server on a loopback port; skipped where
 * redis-server is not installed ({@code apt-get install redis-server}).
 */
@Timeout(60)
class JedisBindingIT {
  @TempDir static Path dir;
  private static Process redis;
  private static DB db;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(
        onPath("redis-server"), "redis-server is not installed: apt-get install redis-server");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    redis =
        new ProcessBuilder(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> listens(port));
    Properties props = new Properties();
    props.setProperty(JedisBinding.HOST, "127.0.0.1");
    props.setProperty(JedisBinding.PORT, Integer.toString(port));
    db = new JedisBinding();
    db.setProperties(props);
    db.init();
    for (int i = 19; i >= 0; i--) {
      String k = key(i);
      assertThat(db.insert("usertable", k, record(k + "-0", k + "-1", k + "-2")))
          .isEqualTo(Status.OK);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (db != null) {
      db.cleanup();
    }
    if (redis != null) {
      redis.destroy();
      redis.waitFor();
    }
  }

  private static boolean onPath(String command) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (new File(d, command).canExecute()) {
        return true;
      }
    }
    return false;
  }

  private static boolean listens(int port) {
    try (Socket ignored = new Socket("127.0.0.1", port)) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static String key(int i) {
    return String.format("user%03d", i);
  }

  private static Map<String, ByteIterator> record(String... fields) {
    Map<String, ByteIterator> out = new HashMap<>();
    for (int i = 0; i < fields.length; i++) {
      out.put("field" + i, new StringByteIterator(fields[i]));
    }
    return out;
  }

  private static Map<String, String> strings(Map<String, ByteIterator> got) {
    Map<String, String> out = new TreeMap<>();
    got.forEach((k, v) -> out.put(k, new String(v.toArray(), StandardCharsets.UTF_8)));
    return out;
  }

  private static Map<String, String> read(String key, Set<String> fields) {
    Map<String, ByteIterator> got = new HashMap<>();
    assertThat(db.read("usertable", key, fields, got)).isEqualTo(Status.OK);
    return strings(got);
  }

  @Test
  void readsAllFieldsOrTheNamedOnes() {
    assertThat(read(key(3), null))
        .isEqualTo(Map.of("field0", "user003-0", "field1", "user003-1", "field2", "user003-2"));
    assertThat(read(key(3), Set.of("field1"))).isEqualTo(Map.of("field1", "user003-1"));
  }

  @Test
  void anUpdateOfOneFieldKeepsTheOthers() {
    Map<String, ByteIterator> change = new HashMap<>();
    change.put("field2", new StringByteIterator("new"));

    assertThat(db.update("usertable", key(5), change)).isEqualTo(Status.OK);

    assertThat(read(key(5), null))
        .isEqualTo(Map.of("field0", "user005-0", "field1", "user005-1", "field2", "new"));
  }

  @Test
  void aScanReturnsRecordsInKeyOrderFromTheStartKey() {
    Vector<HashMap<String, ByteIterator>> named = new Vector<>();
    Vector<HashMap<String, ByteIterator>> all = new Vector<>();

    assertThat(db.scan("usertable", key(10), 3, Set.of("field0"), named)).isEqualTo(Status.OK);
    assertThat(db.scan("usertable", key(11), 1, null, all)).isEqualTo(Status.OK);

    assertThat(named.stream().map(JedisBindingIT::strings).toList())
        .isEqualTo(
            List.of(
                Map.of("field0", "user010-0"),
                Map.of("field0", "user011-0"),
                Map.of("field0", "user012-0")));
    assertThat(all.stream().map(JedisBindingIT::strings).toList())
        .isEqualTo(
            List.of(Map.of("field0", "user011-0", "field1", "user011-1", "field2", "user011-2")));
  }

  @Test
  void aDeletedRecordIsNotFoundAndLeavesTheScanIndex() {
    assertThat(db.delete("usertable", key(18))).isEqualTo(Status.OK);
    Vector<HashMap<String, ByteIterator>> scanned = new Vector<>();

    assertThat(db.read("usertable", key(18), null, new HashMap<>())).isEqualTo(Status.NOT_FOUND);
    assertThat(db.delete("usertable", key(18))).isEqualTo(Status.NOT_FOUND);
    assertThat(db.scan("usertable", key(17), 2, Set.of("field0"), scanned)).isEqualTo(Status.OK);
    assertThat(scanned.stream().map(JedisBindingIT::strings).toList())
        .isEqualTo(List.of(Map.of("field0", "user017-0"), Map.of("field0", "user019-0")));
  }
}
