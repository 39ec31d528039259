package io.floe.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.table.Durability;
import io.floe.core.table.Row;
import io.floe.dataplane.DataNode;
import io.floe.dataplane.NodeConfig;
import io.floe.testsupport.s3.FaultyS3Front;
import io.floe.testsupport.s3.S3Extension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A table is written to the moment it is created, while its partitions still load from a slow S3:
 * the client waits for them within the request's deadline instead of giving up after a few tries.
 */
@Timeout(120)
class WriteAfterCreateIT {
  @RegisterExtension static final S3Extension S3 = new S3Extension();
  static final Duration SLOW_S3 = Duration.ofMillis(200);

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  /** A node whose S3 calls all pass through a front that can hold them. */
  private DataNode nodeBehind(FaultyS3Front front) {
    Properties props = new Properties();
    props.setProperty(NodeConfig.LISTEN_PORT, "0");
    props.setProperty("node.id", "n1");
    props.setProperty("s3.endpoint", front.endpoint().toString());
    props.setProperty("s3.path-style", "true");
    props.setProperty("s3.bucket", S3.bucket());
    props.setProperty("s3.region", S3.region());
    props.setProperty("s3.access-key", S3.accessKey());
    props.setProperty("s3.secret-key", S3.secretKey());
    DataNode node = DataNode.start(NodeConfig.of(props));
    open.add(node);
    return node;
  }

  private FloeTable createdWhileS3IsSlow(Duration requestTimeout, String name) {
    FaultyS3Front front = FaultyS3Front.start(S3.endpoint());
    open.add(front);
    DataNode node = nodeBehind(front);
    FloeClient client =
        FloeClient.connect(ClientConfig.of(node.endpoint()).withRequestTimeout(requestTimeout));
    open.add(client);
    front.delayNext(100, SLOW_S3); // each partition's load takes several S3 calls
    // An operator creates the table (CREATE_TABLE answers once it takes writes) while the
    // application, told the table exists, writes to it at once.
    FloeClient admin = FloeClient.connect(ClientConfig.of(node.endpoint()));
    open.add(admin);
    CompletableFuture.runAsync(
        () -> admin.createTable(name, 11, ClientNodeIT.SCHEMA, 2, Durability.S3));
    return await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> client.table(name), t -> t != null);
  }

  @Test
  void aWriteToAJustCreatedTableWaitsUntilItsPartitionsServe() {
    FloeTable table = createdWhileS3IsSlow(ClientConfig.REQUEST_TIMEOUT_DEFAULT, "db.fresh");
    long created = System.nanoTime();

    long offset = table.put(new Row(1L, "first", 1.0));

    long waitedMillis = (System.nanoTime() - created) / 1_000_000;
    System.out.printf("[write-after-create] first put acknowledged after %d ms%n", waitedMillis);
    assertThat(offset).isEqualTo(1);
    assertThat(waitedMillis).isGreaterThan(SLOW_S3.toMillis()); // it did wait for the load
    assertThat(table.get(1L)).isEqualTo(new Row(1L, "first", 1.0));
  }

  @Test
  void aWriteThatCannotBeServedByItsDeadlineFailsWithTheReasonByThen() {
    Duration deadline = Duration.ofMillis(150);
    FloeTable table = createdWhileS3IsSlow(deadline, "db.slow");
    long started = System.nanoTime();

    assertThatThrownBy(() -> table.put(new Row(1L, "first", 1.0)))
        .isInstanceOfSatisfying(
            FloeRequestException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.PARTITION_LOADING));

    long tookMillis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf("[write-after-create] gave up after %d ms (deadline 150 ms)%n", tookMillis);
    assertThat(tookMillis).isLessThan(deadline.toMillis() + 100);
  }
}
