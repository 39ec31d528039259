package io.floe.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.protocol.FloeRequestException;
import io.floe.core.table.Durability;
import io.floe.core.table.Row;
import io.floe.core.table.SchemaViolationException;
import io.floe.dataplane.DataNode;
import io.floe.dataplane.NodeConfig;
import io.floe.dataplane.partition.MemoryBudget;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Rows built and read by column name, and tables created through the client's seeds. */
@Timeout(120)
class RowsByNameIT {
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private DataNode node() {
    Properties props = new Properties();
    props.setProperty(NodeConfig.LISTEN_PORT, "0");
    props.setProperty(MemoryBudget.MEMORY_LIMIT, Long.toString(256L << 20));
    DataNode node = DataNode.start(NodeConfig.of(props));
    open.add(node);
    return node;
  }

  private FloeClient client(String... seeds) {
    FloeClient client = FloeClient.connect(seeds);
    open.add(client);
    return client;
  }

  @Test
  void aRowBuiltByNameReadsBackByNameFromGetMultiGetAndScan() {
    DataNode node = node();
    FloeClient client = client(node.endpoint());
    client.createTable("db.users", 7, ClientNodeIT.SCHEMA, 2, Durability.MEMORY);
    FloeTable users = client.table("db.users");

    users.put(users.newRow().set("id", 7L).set("name", "x").set("score", 1.5).build());
    users.put(users.newRow().set("name", "no score").set("id", 8).build());

    Row got = users.get(7L);
    assertThat(got.getLong("id")).isEqualTo(7L);
    assertThat(got.getString("name")).isEqualTo("x");
    assertThat(got.getDouble("score")).isEqualTo(1.5);
    assertThat(got).isEqualTo(new Row(7L, "x", 1.5));
    assertThat(users.multiGet(List.<Object[]>of(new Object[] {8L})).get(0).getDouble("score"))
        .isNull();
    assertThat(users.scan(KeyRange.all(), 10))
        .extracting(r -> r.getString("name"))
        .containsExactly("x", "no score");
    assertThatThrownBy(() -> got.getString("score"))
        .isInstanceOf(SchemaViolationException.class)
        .hasMessage("column 'score': is float64, not a string (read it with getDouble)");
  }

  @Test
  void aRowReadBackFromAPositionalWriteReadsByName() {
    DataNode node = node();
    FloeClient client = client(node.endpoint());
    client.createTable("db.users", 7, ClientNodeIT.SCHEMA, 1, Durability.MEMORY);
    FloeTable users = client.table("db.users");

    users.put(new Row(1L, "positional", null));

    assertThat(users.get(1L).getString("name")).isEqualTo("positional");
  }

  @Test
  void createTableAsksTheNextSeedWhenTheFirstCannotBeReached() throws IOException {
    String unreachable;
    try (ServerSocket closedSoon = new ServerSocket(0)) {
      unreachable = "127.0.0.1:" + closedSoon.getLocalPort();
    }
    DataNode node = node();
    FloeClient client = client(unreachable, node.endpoint());

    client.createTable("db.users", 7, ClientNodeIT.SCHEMA, 1, Durability.MEMORY);

    FloeTable users = client.table("db.users");
    users.put(users.newRow().set("id", 1L).build());
    assertThat(users.get(1L).isNull("name")).isTrue();
  }

  @Test
  void createTableReportsTheNodesRefusalWithoutAskingAnotherSeed() {
    DataNode first = node();
    DataNode second = node();
    FloeClient client = client(first.endpoint(), second.endpoint());
    client.createTable("db.users", 7, ClientNodeIT.SCHEMA, 1, Durability.MEMORY);

    // The same name with another partition count: the first seed refuses, the second is not asked.
    assertThatThrownBy(
            () -> client.createTable("db.users", 7, ClientNodeIT.SCHEMA, 3, Durability.MEMORY))
        .isInstanceOf(FloeRequestException.class);
    assertThat(FloeClient.connect(second.endpoint()))
        .satisfies(
            other -> {
              open.add(other);
              assertThatThrownBy(() -> other.table("db.users"))
                  .isInstanceOf(RuntimeException.class);
            });
  }
}
