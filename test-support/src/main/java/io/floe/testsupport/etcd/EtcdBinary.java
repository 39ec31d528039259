package io.floe.testsupport.etcd;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds the {@code etcd} executable: {@code FLOE_ETCD_BIN} if set, else the first {@code etcd} on
 * {@code PATH}. A missing binary is reported with the command that installs it.
 */
final class EtcdBinary {
  static final String ENV_VARIABLE = "FLOE_ETCD_BIN";

  private EtcdBinary() {}

  static Path locate() {
    return locate(System.getenv());
  }

  static Path locate(Map<String, String> env) {
    String explicit = env.get(ENV_VARIABLE);
    if (explicit != null && !explicit.isBlank()) {
      Path path = Path.of(explicit);
      if (Files.isExecutable(path)) {
        return path;
      }
      throw new IllegalStateException(
          ENV_VARIABLE + "=" + explicit + " does not name an executable etcd binary");
    }
    String searchPath = env.getOrDefault("PATH", "");
    for (String dir : searchPath.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "etcd");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "etcd was not found on PATH and "
            + ENV_VARIABLE
            + " is not set. Install Debian's etcd server with"
            + " `apt-get install -y etcd-server etcd-client` (or point "
            + ENV_VARIABLE
            + " at an etcd 3.4+ binary).");
  }
}
