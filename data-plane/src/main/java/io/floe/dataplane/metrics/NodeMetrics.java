package io.floe.dataplane.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * One data node's meters (DESIGN.md §12), in a Prometheus registry of its own whose every series is
 * tagged {@code node}: several nodes may share a JVM (the local cluster, tests) and must not mix
 * their counts. The {@code floe_*} meters come from the binders of this package; the JVM's own
 * ({@code jvm_*}, {@code process_*}, {@code system_*}) are Micrometer's.
 */
public final class NodeMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final RequestMetrics requests;
  private final JvmGcMetrics gc = new JvmGcMetrics();

  public NodeMetrics(String nodeId) {
    registry.config().commonTags("node", nodeId);
    requests = new RequestMetrics(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    gc.bindTo(registry);
  }

  /** The data protocol's requests, recorded by the server's connections. */
  public RequestMetrics requests() {
    return requests;
  }

  public NodeMetrics bind(MeterBinder binder) {
    binder.bindTo(registry);
    return this;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Every meter, in the Prometheus text exposition format (version 0.0.4). */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
