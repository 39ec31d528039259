package io.floe.loadtests.node;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redis through Lettuce: {@code connections} connections, each request on a connection picked at
 * random (as the Floe client picks one by the key's partition), 8-byte big-endian keys, SET/GET.
 *
 * <p>With {@code waitReplicas} above 0, each SET is followed on the same connection by {@code WAIT
 * waitReplicas 0}, pipelined like the SETs, and the put completes when the WAIT answers: Redis's
 * synchronous acknowledgement by replicas, the counterpart of Floe's {@code replicated} mode (one
 * replica of two = two copies of three, a majority). A WAIT answering fewer replicas fails the put.
 */
final class RedisDriver implements KvDriver {
  private static final Pattern CONNECTED_REPLICAS =
      Pattern.compile("^connected_slaves:(\\d+)", Pattern.MULTILINE);

  private final int waitReplicas;
  private final ClientResources resources;
  private final RedisClient client;
  private final List<StatefulRedisConnection<byte[], byte[]>> connections = new ArrayList<>();
  private final List<RedisAsyncCommands<byte[], byte[]>> commands = new ArrayList<>();

  RedisDriver(String endpoint, int connections, int ioThreads) {
    this(endpoint, connections, ioThreads, 0);
  }

  /**
   * @param waitReplicas replicas each SET waits for ({@code WAIT n 0}); 0: none
   * @throws IllegalStateException if the primary has fewer connected replicas than that (WAIT would
   *     block forever)
   */
  RedisDriver(String endpoint, int connections, int ioThreads, int waitReplicas) {
    if (waitReplicas < 0) {
      throw new IllegalArgumentException("redis-wait must be 0 or more, got " + waitReplicas);
    }
    this.waitReplicas = waitReplicas;
    int colon = endpoint.lastIndexOf(':');
    this.resources =
        DefaultClientResources.builder()
            .ioThreadPoolSize(ioThreads)
            .computationThreadPoolSize(ioThreads)
            .build();
    this.client =
        RedisClient.create(
            resources,
            RedisURI.create(
                endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1))));
    for (int i = 0; i < connections; i++) {
      StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE);
      this.connections.add(c);
      this.commands.add(c.async());
    }
    if (waitReplicas > 0) {
      checkReplicas(endpoint);
    }
  }

  private void checkReplicas(String endpoint) {
    String info = commands.get(0).info("replication").toCompletableFuture().join();
    Matcher m = CONNECTED_REPLICAS.matcher(info);
    int connected = m.find() ? Integer.parseInt(m.group(1)) : 0;
    if (connected < waitReplicas) {
      close();
      throw new IllegalStateException(
          "redis-wait "
              + waitReplicas
              + " needs a primary with as many connected replicas; "
              + endpoint
              + " has "
              + connected);
    }
  }

  /** True when each SET waits for replicas. */
  boolean waits() {
    return waitReplicas > 0;
  }

  @Override
  public String name() {
    return waitReplicas == 0 ? "Redis" : "Redis + WAIT " + waitReplicas + " 0";
  }

  private RedisAsyncCommands<byte[], byte[]> pick() {
    return commands.get(ThreadLocalRandom.current().nextInt(commands.size()));
  }

  private static byte[] key(long k) {
    return ByteBuffer.allocate(8).putLong(k).array();
  }

  @Override
  public CompletionStage<?> put(long key, byte[] value) {
    RedisAsyncCommands<byte[], byte[]> c = pick();
    RedisFuture<String> set = c.set(key(key), value);
    if (waitReplicas == 0) {
      return set;
    }
    // Right behind the SET on its connection: the answer counts the replicas holding every write
    // this connection sent before the WAIT, this SET included.
    return set.thenCombine(c.waitForReplication(waitReplicas, 0), this::acknowledged);
  }

  private Long acknowledged(String setReply, Long replicas) {
    if (replicas < waitReplicas) {
      throw new IllegalStateException(
          "WAIT " + waitReplicas + " 0 answered " + replicas + ": the SET is not replicated");
    }
    return replicas;
  }

  @Override
  public CompletionStage<?> get(long key) {
    return pick().get(key(key));
  }

  @Override
  public void preload(int keys, byte[] value) {
    for (int from = 0; from < keys; from += 1000) {
      Map<byte[], byte[]> batch = new HashMap<>();
      for (long k = from; k < Math.min(keys, from + 1000); k++) {
        batch.put(key(k), value);
      }
      commands.get(0).mset(batch).toCompletableFuture().join();
    }
  }

  @Override
  public void close() {
    connections.forEach(StatefulRedisConnection::close);
    client.shutdown();
    resources.shutdown();
  }
}
