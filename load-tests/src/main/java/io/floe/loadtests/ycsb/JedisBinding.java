package io.floe.loadtests.ycsb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Vector;
import java.util.concurrent.atomic.AtomicInteger;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;
import site.ycsb.StringByteIterator;

/**
 * YCSB binding for Redis through Jedis, modelled on YCSB's own redis binding: one connection per
 * YCSB thread, a record is a hash (HSET / HGETALL / HMGET), and a sorted set indexes the keys for
 * scans. Properties {@code redis.host} (localhost) and {@code redis.port} (6379), as YCSB's.
 *
 * <p>Two departures, both in Redis's favour, so that a comparison is with Redis used well: the
 * index orders keys lexicographically (score 0, ZRANGEBYLEX), so a scan returns the records from
 * the start key in key order as Floe's does (YCSB's binding scores keys by their Java hash code, so
 * its scans return records in hash order at the same cost); and an operation that needs several
 * commands (insert, delete, a scan's reads) pipelines them: one round trip, two for a scan.
 */
public final class JedisBinding extends DB {
  static final String HOST = "redis.host";
  static final String PORT = "redis.port";

  /** The sorted set of every record key (YCSB's binding calls it the same). */
  static final String INDEX_KEY = "_indices";

  private static final int ERRORS_PRINTED = 10;
  private static final AtomicInteger errors = new AtomicInteger();

  private Jedis jedis;

  @Override
  public void init() throws DBException {
    String host = getProperties().getProperty(HOST, "localhost");
    int port = Integer.parseInt(getProperties().getProperty(PORT, "6379"));
    try {
      jedis = new Jedis(host, port);
      jedis.connect();
    } catch (RuntimeException e) {
      throw new DBException("cannot connect to Redis at " + host + ":" + port, e);
    }
  }

  @Override
  public void cleanup() {
    jedis.close();
  }

  @Override
  public Status read(
      String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
    try {
      if (fields == null) {
        StringByteIterator.putAllAsByteIterators(result, jedis.hgetAll(key));
      } else {
        project(fields, jedis.hmget(key, fields.toArray(String[]::new)), result);
      }
      return result.isEmpty() ? Status.NOT_FOUND : Status.OK;
    } catch (RuntimeException e) {
      return failed("read", e);
    }
  }

  private static void project(
      Set<String> fields, List<String> values, Map<String, ByteIterator> result) {
    Iterator<String> value = values.iterator();
    for (String field : fields) {
      String v = value.next();
      if (v != null) {
        result.put(field, new StringByteIterator(v));
      }
    }
  }

  @Override
  public Status scan(
      String table,
      String startKey,
      int recordCount,
      Set<String> fields,
      Vector<HashMap<String, ByteIterator>> result) {
    try {
      List<String> keys = jedis.zrangeByLex(INDEX_KEY, "[" + startKey, "+", 0, recordCount);
      if (fields == null) {
        List<Response<Map<String, String>>> records = new ArrayList<>(keys.size());
        try (Pipeline pipeline = jedis.pipelined()) {
          keys.forEach(k -> records.add(pipeline.hgetAll(k)));
          pipeline.sync();
        }
        for (Response<Map<String, String>> record : records) {
          HashMap<String, ByteIterator> values = new HashMap<>();
          StringByteIterator.putAllAsByteIterators(values, record.get());
          result.add(values);
        }
      } else {
        String[] named = fields.toArray(String[]::new);
        List<Response<List<String>>> records = new ArrayList<>(keys.size());
        try (Pipeline pipeline = jedis.pipelined()) {
          keys.forEach(k -> records.add(pipeline.hmget(k, named)));
          pipeline.sync();
        }
        for (Response<List<String>> record : records) {
          HashMap<String, ByteIterator> values = new HashMap<>();
          project(fields, record.get(), values);
          result.add(values);
        }
      }
      return Status.OK;
    } catch (RuntimeException e) {
      return failed("scan", e);
    }
  }

  /** Redis updates the named fields of a hash in place: one HSET. */
  @Override
  public Status update(String table, String key, Map<String, ByteIterator> values) {
    try {
      jedis.hset(key, StringByteIterator.getStringMap(values));
      return Status.OK;
    } catch (RuntimeException e) {
      return failed("update", e);
    }
  }

  @Override
  public Status insert(String table, String key, Map<String, ByteIterator> values) {
    try (Pipeline pipeline = jedis.pipelined()) {
      pipeline.hset(key, StringByteIterator.getStringMap(values));
      pipeline.zadd(INDEX_KEY, 0, key);
      pipeline.sync();
      return Status.OK;
    } catch (RuntimeException e) {
      return failed("insert", e);
    }
  }

  @Override
  public Status delete(String table, String key) {
    try (Pipeline pipeline = jedis.pipelined()) {
      Response<Long> deleted = pipeline.del(key);
      pipeline.zrem(INDEX_KEY, key);
      pipeline.sync();
      return deleted.get() == 0 ? Status.NOT_FOUND : Status.OK;
    } catch (RuntimeException e) {
      return failed("delete", e);
    }
  }

  private static Status failed(String op, RuntimeException e) {
    if (errors.incrementAndGet() <= ERRORS_PRINTED) {
      System.err.println("redis " + op + " failed: " + e);
    }
    return Status.ERROR;
  }
}
