package io.floe.testsupport.etcd;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts a real three-member etcd cluster per test class and stops it after the class. Register it
 * as a static field and use {@link #cluster()}, or take an {@link EtcdCluster} parameter.
 */
public final class EtcdClusterExtension
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private EtcdCluster cluster;

  @Override
  public void beforeAll(ExtensionContext context) {
    cluster = EtcdCluster.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }

  /** The running cluster of the current test class. */
  public EtcdCluster cluster() {
    if (cluster == null) {
      throw new IllegalStateException("etcd cluster is not running: is the extension static?");
    }
    return cluster;
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == EtcdCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return cluster();
  }
}
