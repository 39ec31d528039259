package io.floe.loadtests.ycsb;

import java.util.List;

/**
 * A store under test: its binding class and {@code -p} properties for YCSB, and the pid of its
 * server process (its CPU per operation is reported; 0 when unknown).
 */
record YcsbStore(String name, String binding, long pid, List<String> properties) {
  static YcsbStore floe(String endpoint, long pid, List<String> extra) {
    List<String> props = new java.util.ArrayList<>();
    props.add(SharedFloeTable.ENDPOINT + "=" + endpoint);
    props.addAll(extra);
    return new YcsbStore("Floe", FloeBinding.class.getName(), pid, List.copyOf(props));
  }

  static YcsbStore redis(String endpoint, long pid) {
    int colon = endpoint.lastIndexOf(':');
    return new YcsbStore(
        "Redis",
        JedisBinding.class.getName(),
        pid,
        List.of(
            JedisBinding.HOST + "=" + endpoint.substring(0, colon),
            JedisBinding.PORT + "=" + endpoint.substring(colon + 1)));
  }

  boolean isFloe() {
    return binding.equals(FloeBinding.class.getName());
  }
}
