package io.floe.testsupport.etcd;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one real etcd process per test class and stops it after the class. Register it as a static
 * field ({@code @RegisterExtension static EtcdExtension etcd = new EtcdExtension();}) and use
 * {@link #process()}, or take an {@link EtcdProcess} parameter.
 */
public final class EtcdExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private EtcdProcess process;

  @Override
  public void beforeAll(ExtensionContext context) {
    process = EtcdProcess.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (process != null) {
      process.close();
      process = null;
    }
  }

  /** The running process of the current test class. */
  public EtcdProcess process() {
    if (process == null) {
      throw new IllegalStateException("etcd is not running: is the extension a static field?");
    }
    return process;
  }

  /** The client endpoints of the current process. */
  public List<String> endpoints() {
    return process().clientEndpoints();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == EtcdProcess.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return process();
  }
}
