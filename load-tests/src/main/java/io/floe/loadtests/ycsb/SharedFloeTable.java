package io.floe.loadtests.ycsb;

import io.floe.client.ClientConfig;
import io.floe.client.FloeClient;
import io.floe.client.FloeTable;
import io.floe.core.protocol.ErrorCode;
import io.floe.core.protocol.FloeRequestException;
import io.floe.core.table.Durability;
import io.floe.core.table.Schema;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The one {@link FloeClient} and table handle of a YCSB process. YCSB makes a binding instance per
 * thread, but an application makes one client and shares it (the client is thread-safe and
 * multiplexes its connections), so every instance shares this; it lives as long as the JVM, which
 * keeps it warm from one measured phase to the next.
 */
final class SharedFloeTable {
  static final String ENDPOINT = "floe.endpoint";
  static final String ENDPOINT_DEFAULT = "127.0.0.1:7400";

  /** Create the table when it does not exist (the load phase sets it). */
  static final String CREATE_TABLE = "floe.createtable";

  static final String PARTITIONS = "floe.partitions";
  static final String PARTITIONS_DEFAULT = "8";
  static final String DURABILITY = "floe.durability";
  static final String DURABILITY_DEFAULT = "memory";

  /** Client tuning; the client's own defaults unless given. */
  static final String CONNECTIONS = "floe.connections";

  static final String IO_THREADS = "floe.iothreads";

  /**
   * false: blocking calls wait on the pipelined connections (the client before caller-thread I/O).
   */
  static final String CALLER_THREAD_IO = "floe.callerthreadio";

  /** YCSB's own properties, read to shape the table like the workload's records. */
  static final String YCSB_TABLE = "table";

  static final String YCSB_FIELD_COUNT = "fieldcount";
  static final String YCSB_FIELD_PREFIX = "fieldnameprefix";

  /** By endpoint and table: one per process in a benchmark, several in tests. */
  private static final Map<String, SharedFloeTable> handles = new HashMap<>();

  final FloeTable table;
  final YcsbRows rows;

  private SharedFloeTable(FloeTable table) {
    this.table = table;
    this.rows = new YcsbRows(table.schema());
  }

  static synchronized SharedFloeTable get(Properties props) {
    String key = props.getProperty(ENDPOINT, ENDPOINT_DEFAULT) + "/" + tableName(props);
    SharedFloeTable shared = handles.get(key);
    if (shared == null) {
      shared = open(props);
      handles.put(key, shared);
    }
    return shared;
  }

  /** The Floe table a YCSB table maps to: {@code ycsb.<table>}. */
  static String tableName(Properties props) {
    return "ycsb." + props.getProperty(YCSB_TABLE, "usertable");
  }

  private static SharedFloeTable open(Properties props) {
    String endpoint = props.getProperty(ENDPOINT, ENDPOINT_DEFAULT);
    FloeClient client = FloeClient.connect(config(endpoint, props));
    Runtime.getRuntime().addShutdownHook(new Thread(client::close, "floe-client-close"));
    String name = tableName(props);
    if (Boolean.parseBoolean(props.getProperty(CREATE_TABLE, "false")) && !exists(client, name)) {
      create(client, name, props);
    }
    return new SharedFloeTable(client.table(name));
  }

  private static ClientConfig config(String endpoint, Properties props) {
    ClientConfig config = ClientConfig.of(endpoint);
    if (props.containsKey(CONNECTIONS)) {
      config = config.withConnectionsPerNode(Integer.parseInt(props.getProperty(CONNECTIONS)));
    }
    if (props.containsKey(IO_THREADS)) {
      config = config.withIoThreads(Integer.parseInt(props.getProperty(IO_THREADS)));
    }
    if (props.containsKey(CALLER_THREAD_IO)) {
      config = config.withCallerThreadIo(Boolean.parseBoolean(props.getProperty(CALLER_THREAD_IO)));
    }
    return config;
  }

  private static boolean exists(FloeClient client, String name) {
    try {
      client.table(name);
      return true;
    } catch (FloeRequestException e) {
      if (e.code() == ErrorCode.TABLE_NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  private static void create(FloeClient client, String name, Properties props) {
    Durability durability =
        Durability.fromJsonName(props.getProperty(DURABILITY, DURABILITY_DEFAULT));
    if (durability == null) {
      throw new IllegalArgumentException(
          DURABILITY + " must be memory or s3, got '" + props.getProperty(DURABILITY) + "'");
    }
    Schema schema =
        YcsbRows.schema(
            props.getProperty(YCSB_FIELD_PREFIX, "field"),
            Integer.parseInt(props.getProperty(YCSB_FIELD_COUNT, "10")));
    int partitions = Integer.parseInt(props.getProperty(PARTITIONS, PARTITIONS_DEFAULT));
    client.createTable(name, name.hashCode() & 0x7fffffffL, schema, partitions, durability);
  }
}
