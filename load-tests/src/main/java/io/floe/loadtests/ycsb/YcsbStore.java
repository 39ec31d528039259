package io.floe.loadtests.ycsb;

import java.util.List;

/**
 * A store under test: its binding class and {@code -p} properties for YCSB, the pid of its server
 * process (its CPU per operation is reported; 0 when unknown), and the libraries (Maven artifact
 * ids) its client needs at run time: a YCSB JVM gets those and YCSB's own, as an application's
 * classpath would hold them, not the whole harness's.
 */
record YcsbStore(
    String name, String binding, long pid, List<String> properties, List<String> libraries) {
  /** YCSB's core and its dependencies, SLF4J and its binding: in every YCSB JVM. */
  static final List<String> COMMON_LIBRARIES =
      List.of(
          "core", // YCSB's, under site/ycsb
          "htrace-core4",
          "jackson-mapper-asl",
          "jackson-core-asl",
          "HdrHistogram",
          "slf4j-api",
          "logback-classic",
          "logback-core");

  /** The Floe client's runtime dependencies ({@code mvn dependency:tree -pl client}). */
  static final List<String> FLOE_LIBRARIES =
      List.of(
          "floe-client",
          "floe-core",
          "floe-schemas",
          "resilience4j-retry",
          "resilience4j-core",
          "resilience4j-circuitbreaker",
          "jackson-databind",
          "jackson-annotations",
          "jackson-core",
          "netty-codec-base",
          "netty-common",
          "netty-buffer",
          "netty-transport",
          "netty-resolver",
          "netty-transport-classes-epoll",
          "netty-transport-native-unix-common",
          "netty-transport-native-epoll");

  /** Jedis's runtime dependencies. */
  static final List<String> JEDIS_LIBRARIES = List.of("jedis", "commons-pool2", "json", "gson");

  static YcsbStore floe(String endpoint, long pid, List<String> extra) {
    List<String> props = new java.util.ArrayList<>();
    props.add(SharedFloeTable.ENDPOINT + "=" + endpoint);
    props.addAll(extra);
    return new YcsbStore(
        "Floe", FloeBinding.class.getName(), pid, List.copyOf(props), FLOE_LIBRARIES);
  }

  static YcsbStore redis(String endpoint, long pid) {
    int colon = endpoint.lastIndexOf(':');
    return new YcsbStore(
        "Redis",
        JedisBinding.class.getName(),
        pid,
        List.of(
            JedisBinding.HOST + "=" + endpoint.substring(0, colon),
            JedisBinding.PORT + "=" + endpoint.substring(colon + 1)),
        JEDIS_LIBRARIES);
  }

  /**
   * The entries of {@code classpath} a YCSB JVM of this store gets: directories (the harness's
   * classes, the bindings among them), then the common libraries, then this store's, each list in
   * its order here, the same order for every store. A jar is known by its Maven artifact id: its
   * file name up to the version, without the run's copy-number prefix.
   *
   * <p>The order matters to what is measured: the JVM looks a class up in each classpath entry in
   * turn, so YCSB's classes (its measurements, workloads, threads) behind one store's libraries but
   * in front of the other's would cost the first store's JVM more lookups for the same classes, and
   * its class loader more of the JIT's time.
   */
  String classpath(String classpath) {
    List<String> dirs = new java.util.ArrayList<>();
    java.util.Map<String, String> jars = new java.util.HashMap<>();
    for (String entry : classpath.split(java.io.File.pathSeparator)) {
      java.nio.file.Path path = java.nio.file.Path.of(entry);
      if (java.nio.file.Files.isDirectory(path)) {
        dirs.add(entry);
        continue;
      }
      String library = library(path);
      if (library != null) {
        jars.putIfAbsent(library, entry);
      }
    }
    List<String> kept = new java.util.ArrayList<>(dirs);
    for (List<String> libs : List.of(COMMON_LIBRARIES, libraries)) {
      for (String library : libs) {
        String jar = jars.get(library);
        if (jar != null) {
          kept.add(jar);
        }
      }
    }
    return String.join(java.io.File.pathSeparator, kept);
  }

  /** The library of this store's or the common ones {@code jar} is, or null. */
  private String library(java.nio.file.Path jar) {
    String file = jar.getFileName().toString().replaceFirst("^[0-9]+-", "");
    for (String library : libraries) {
      if (isArtifact(file, library)) {
        return library;
      }
    }
    for (String library : COMMON_LIBRARIES) {
      if (isArtifact(file, library)
          && (!library.equals("core") || jar.toString().contains("/site/ycsb/"))) {
        return library;
      }
    }
    return null;
  }

  /** {@code artifact-<version>[-classifier].jar}, the version starting with a digit. */
  static boolean isArtifact(String file, String artifact) {
    return file.endsWith(".jar")
        && file.length() > artifact.length() + 1
        && file.startsWith(artifact + "-")
        && Character.isDigit(file.charAt(artifact.length() + 1));
  }

  boolean isFloe() {
    return binding.equals(FloeBinding.class.getName());
  }
}
