package io.floe.loadtests.node;

import io.lettuce.core.RedisClient;
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

/**
 * Redis through Lettuce: {@code connections} connections, each request on a connection picked at
 * random (as the Floe client picks one by the key's partition), 8-byte big-endian keys, SET/GET.
 */
final class RedisDriver implements KvDriver {
  private final ClientResources resources;
  private final RedisClient client;
  private final List<StatefulRedisConnection<byte[], byte[]>> connections = new ArrayList<>();
  private final List<RedisAsyncCommands<byte[], byte[]>> commands = new ArrayList<>();

  RedisDriver(String endpoint, int connections, int ioThreads) {
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
  }

  @Override
  public String name() {
    return "Redis";
  }

  private RedisAsyncCommands<byte[], byte[]> pick() {
    return commands.get(ThreadLocalRandom.current().nextInt(commands.size()));
  }

  private static byte[] key(long k) {
    return ByteBuffer.allocate(8).putLong(k).array();
  }

  @Override
  public CompletionStage<?> put(long key, byte[] value) {
    return pick().set(key(key), value);
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
