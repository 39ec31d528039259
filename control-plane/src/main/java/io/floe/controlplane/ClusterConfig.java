package io.floe.controlplane;

import io.floe.controlplane.ControlException.Problem;
import io.floe.storage.meta.MetaEntry;
import io.floe.storage.meta.MetaKeys;
import io.floe.storage.meta.MetaStore;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster's settings in etcd ({@code config/{name}}), as OpenMLDB's {@code confget} / {@code
 * confset} show and change them. Only known names are accepted, each with its allowed values.
 */
public final class ClusterConfig {
  public static final String AUTO_FAILOVER = "auto_failover";

  /**
   * With {@link #AUTO_FAILOVER} on: once the cluster is whole again, leaders are moved back by
   * cooperative hand-over until no node leads two more partitions than another.
   */
  public static final String AUTO_REBALANCE = "auto_rebalance";

  private static final Map<String, String> DEFAULTS =
      Map.of(AUTO_FAILOVER, "true", AUTO_REBALANCE, "true");

  private final MetaStore store;
  private final MetaKeys keys;

  public ClusterConfig(MetaStore store, MetaKeys keys) {
    this.store = store;
    this.keys = keys;
  }

  /** Every setting with its current value (the default when never set). */
  public Map<String, String> all() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : DEFAULTS.keySet().stream().sorted().toList()) {
      out.put(name, get(name));
    }
    return out;
  }

  public String get(String name) {
    check(name);
    Optional<MetaEntry> e = store.get(keys.config(name));
    return e.map(x -> new String(x.value(), StandardCharsets.UTF_8)).orElse(DEFAULTS.get(name));
  }

  public boolean autoFailover() {
    return Boolean.parseBoolean(get(AUTO_FAILOVER));
  }

  public boolean autoRebalance() {
    return Boolean.parseBoolean(get(AUTO_REBALANCE));
  }

  public void set(String name, String value) {
    check(name);
    String v = value == null ? "" : value.trim().toLowerCase(java.util.Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new ControlException(
          Problem.INVALID_ARGUMENT, name + " takes true or false, not '" + value + "'");
    }
    store.put(keys.config(name), v.getBytes(StandardCharsets.UTF_8));
  }

  private static void check(String name) {
    if (!DEFAULTS.containsKey(name)) {
      throw new ControlException(
          Problem.INVALID_ARGUMENT,
          "unknown config '" + name + "'; known: " + DEFAULTS.keySet().stream().sorted().toList());
    }
  }
}
