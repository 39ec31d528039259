package io.floe.testsupport.etcd;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kills every etcd this JVM started when the JVM exits, so an aborted test run leaves no server
 * holding ports behind.
 */
final class ProcessReaper {
  private static final Set<Process> PROCESSES = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> PROCESSES.forEach(Process::destroyForcibly), "etcd-reaper"));
  }

  private ProcessReaper() {}

  static void register(Process process) {
    PROCESSES.add(process);
    process.onExit().thenRun(() -> PROCESSES.remove(process));
  }
}
