package io.floe.loadtests.ycsb;

import io.floe.loadtests.node.ProcessCpu;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.htrace.core.HTraceConfiguration;
import org.apache.htrace.core.Tracer;
import site.ycsb.Client;
import site.ycsb.ClientThread;
import site.ycsb.DB;
import site.ycsb.DBFactory;
import site.ycsb.Workload;
import site.ycsb.measurements.Measurements;
import site.ycsb.measurements.exporter.TextMeasurementsExporter;

/**
 * Runs YCSB's transaction phase several times in one JVM, each measured on its own: the first is
 * the cold run of a fresh process (JIT, connections, routing still to come), the next ones run
 * warm. YCSB's own {@code Client.main} runs one phase and exits the JVM, so this does what it does
 * per phase with YCSB's public pieces: the same {@link ClientThread}s, DB wrapper, workload and
 * measurements, exported in YCSB's text format.
 *
 * <p>Arguments as YCSB's client takes them ({@code -db}, {@code -threads}, {@code -P}, {@code -p
 * k=v}), and: {@code bench.phases} (names of the phases, comma-separated, default {@code
 * cold,warm}), {@code maxexecutiontime} (seconds per phase; unlimited operations then) or {@code
 * operationcount} (operations per phase), {@code bench.server-pid} (the store's process, whose CPU
 * time per phase is reported). Each phase prints {@code # phase NAME}, then YCSB's measurements
 * plus {@code [CLIENT]} (this JVM's CPU and GC time) and {@code [SERVER]} lines.
 */
public final class YcsbPhases {
  static final String PHASES = "bench.phases";
  static final String SERVER_PID = "bench.server-pid";

  /** The S3 endpoint's process (Floe ships its WAL there), whose CPU per phase is reported too. */
  static final String S3_PID = "bench.s3-pid";

  private YcsbPhases() {}

  public static void main(String[] args) throws Exception {
    Properties props = parse(args);
    // An application has set up its logging before it opens a store's client: so has this JVM,
    // for either store, before the first measured phase.
    org.slf4j.LoggerFactory.getILoggerFactory();
    String[] phases = props.getProperty(PHASES, "cold,warm").split(",");
    for (String phase : phases) {
      String measured = runPhase(props);
      System.out.println("# phase " + phase);
      System.out.print(measured);
      System.out.flush();
    }
    // The Floe client's and YCSB's threads would keep the JVM up; YCSB's client exits too.
    System.exit(0);
  }

  /** One transaction phase with fresh measurements, workload and DB instances. */
  static String runPhase(Properties props) throws Exception {
    resetMeasurements(props);
    Workload workload =
        (Workload)
            Class.forName(props.getProperty(Client.WORKLOAD_PROPERTY))
                .getDeclaredConstructor()
                .newInstance();
    workload.init(props);
    int threads = Integer.parseInt(props.getProperty(Client.THREAD_COUNT_PROPERTY, "1"));
    long seconds = Long.parseLong(props.getProperty(Client.MAX_EXECUTION_TIME, "0"));
    int operations = Integer.parseInt(props.getProperty(Client.OPERATION_COUNT_PROPERTY, "0"));
    Tracer tracer = new Tracer.Builder("YCSB").conf(HTraceConfiguration.fromMap(Map.of())).build();
    CountDownLatch done = new CountDownLatch(threads);
    List<ClientThread> clients = new ArrayList<>(threads);
    for (int i = 0; i < threads; i++) {
      DB db = DBFactory.newDB(props.getProperty(Client.DB_PROPERTY), props, tracer);
      // Time-bound phases run until stopped (0 = no operation limit per thread).
      int perThread = seconds > 0 ? 0 : operations / threads + (i < operations % threads ? 1 : 0);
      ClientThread client = new ClientThread(db, true, workload, props, perThread, -1, done);
      client.setThreadId(i);
      client.setThreadCount(threads);
      clients.add(client);
    }
    long serverPid = Long.parseLong(props.getProperty(SERVER_PID, "-1"));
    long serverCpu = serverPid > 0 ? ProcessCpu.nanos(serverPid) : -1;
    long s3Pid = Long.parseLong(props.getProperty(S3_PID, "-1"));
    long s3Cpu = s3Pid > 0 ? ProcessCpu.nanos(s3Pid) : -1;
    long clientCpu = ProcessCpu.nanos(0);
    long jitCpu = ProcessCpu.compilerNanos();
    long gc = gcMillis();
    long start = System.currentTimeMillis();
    int ops = run(clients, done, workload, seconds);
    long runtime = System.currentTimeMillis() - start;
    clientCpu = ProcessCpu.nanos(0) - clientCpu;
    jitCpu = jitCpu < 0 ? -1 : ProcessCpu.compilerNanos() - jitCpu;
    serverCpu = serverCpu < 0 ? -1 : ProcessCpu.nanos(serverPid) - serverCpu;
    s3Cpu = s3Cpu < 0 ? -1 : ProcessCpu.nanos(s3Pid) - s3Cpu;
    gc = gcMillis() - gc;
    workload.cleanup();
    return export(ops, runtime, clientCpu, jitCpu, gc, serverCpu, s3Cpu);
  }

  private static int run(
      List<ClientThread> clients, CountDownLatch done, Workload workload, long seconds)
      throws InterruptedException {
    List<Thread> threads = new ArrayList<>(clients.size());
    for (ClientThread client : clients) {
      threads.add(new Thread(client, "ycsb-client-" + threads.size()));
    }
    threads.forEach(Thread::start);
    if (seconds > 0 && !done.await(seconds, TimeUnit.SECONDS)) {
      // As YCSB's terminator does: the threads finish their current operation and stop.
      workload.requestStop();
    }
    int ops = 0;
    for (int i = 0; i < threads.size(); i++) {
      threads.get(i).join();
      ops += clients.get(i).getOpsDone();
    }
    return ops;
  }

  private static String export(
      int ops, long runtimeMs, long clientCpu, long jitCpu, long gcMs, long serverCpu, long s3Cpu)
      throws IOException {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    TextMeasurementsExporter exporter = new TextMeasurementsExporter(text);
    exporter.write("OVERALL", "RunTime(ms)", runtimeMs);
    exporter.write("OVERALL", "Operations", ops);
    exporter.write("OVERALL", "Throughput(ops/sec)", 1000.0 * ops / runtimeMs);
    exporter.write("CLIENT", "CpuTime(ns)", clientCpu);
    exporter.write("CLIENT", "JitCpuTime(ns)", jitCpu);
    exporter.write("CLIENT", "GcTime(ms)", gcMs);
    exporter.write("SERVER", "CpuTime(ns)", serverCpu);
    if (s3Cpu >= 0) {
      exporter.write("S3", "CpuTime(ns)", s3Cpu);
    }
    Measurements.getMeasurements().exportMeasurements(exporter);
    exporter.close();
    return text.toString(StandardCharsets.UTF_8);
  }

  /**
   * YCSB keeps its measurements in a process-wide singleton that it never resets (one phase per
   * process); clearing it gives each phase its own, picked up by the threads and workload made
   * after it.
   */
  private static void resetMeasurements(Properties props) throws ReflectiveOperationException {
    Measurements.setProperties(props);
    Field singleton = Measurements.class.getDeclaredField("singleton");
    singleton.setAccessible(true);
    singleton.set(null, null);
  }

  private static long gcMillis() {
    long total = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, gc.getCollectionTime());
    }
    return total;
  }

  /** YCSB's arguments: {@code -db}, {@code -threads}, {@code -P file}, {@code -p key=value}. */
  static Properties parse(String[] args) throws IOException {
    Properties fromFiles = new Properties();
    Properties given = new Properties();
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      if (value == null) {
        throw new IllegalArgumentException("'" + args[i] + "' needs a value");
      }
      switch (args[i]) {
        case "-db" -> given.setProperty(Client.DB_PROPERTY, value);
        case "-threads" -> given.setProperty(Client.THREAD_COUNT_PROPERTY, value);
        case "-P" -> load(fromFiles, Path.of(value));
        case "-p" -> {
          int eq = value.indexOf('=');
          if (eq < 1) {
            throw new IllegalArgumentException("-p needs key=value, got '" + value + "'");
          }
          given.setProperty(value.substring(0, eq), value.substring(eq + 1));
        }
        default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
      }
      i++;
    }
    // As in YCSB: what the command line sets wins over the workload files.
    Properties props = new Properties();
    props.putAll(fromFiles);
    props.putAll(given);
    if (props.getProperty(Client.WORKLOAD_PROPERTY) == null) {
      throw new IllegalArgumentException("no workload class: give -P a workload file");
    }
    return props;
  }

  private static void load(Properties into, Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      into.load(in);
    }
  }
}
