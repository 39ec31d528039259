package io.floe.loadtests.ycsb;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.dataplane.DataNode;
import io.floe.dataplane.NodeConfig;
import io.floe.dataplane.partition.MemoryBudget;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.Vector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.Status;
import site.ycsb.StringByteIterator;

/** The Floe binding as YCSB drives it, against a data node on a loopback port. */
@Timeout(60)
class FloeBindingIT {
  private static DataNode node;
  private static DB db;

  @BeforeAll
  static void start() throws Exception {
    Properties nodeProps = new Properties();
    nodeProps.setProperty(NodeConfig.LISTEN_PORT, "0");
    nodeProps.setProperty(MemoryBudget.MEMORY_LIMIT, Long.toString(64L << 20));
    node = DataNode.start(NodeConfig.of(nodeProps));
    Properties props = new Properties();
    props.setProperty(SharedFloeTable.ENDPOINT, node.endpoint());
    props.setProperty(SharedFloeTable.CREATE_TABLE, "true");
    props.setProperty(SharedFloeTable.PARTITIONS, "4");
    props.setProperty("fieldcount", "3");
    db = new FloeBinding();
    db.setProperties(props);
    db.init();
    for (int i = 0; i < 20; i++) {
      String k = key(i);
      assertThat(db.insert("usertable", k, record(k + "-0", k + "-1", k + "-2")))
          .isEqualTo(Status.OK);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    db.cleanup();
    node.close();
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
  void aScanReturnsRecordsInKeyOrderFromTheStartKeyAcrossPartitions() {
    Vector<HashMap<String, ByteIterator>> got = new Vector<>();

    assertThat(db.scan("usertable", key(10), 4, Set.of("field0"), got)).isEqualTo(Status.OK);

    assertThat(got.stream().map(FloeBindingIT::strings).toList())
        .isEqualTo(
            List.of(
                Map.of("field0", "user010-0"),
                Map.of("field0", "user011-0"),
                Map.of("field0", "user012-0"),
                Map.of("field0", "user013-0")));
  }

  @Test
  void aDeletedRecordIsNotFoundAndCannotBeUpdated() {
    assertThat(db.delete("usertable", key(19))).isEqualTo(Status.OK);

    assertThat(db.read("usertable", key(19), null, new HashMap<>())).isEqualTo(Status.NOT_FOUND);
    assertThat(db.update("usertable", key(19), record("x"))).isEqualTo(Status.NOT_FOUND);
  }
}
