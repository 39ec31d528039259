package io.floe.controlplane;

import io.micronaut.runtime.Micronaut;

/** Starts one control-plane replica (DESIGN.md §2): it campaigns for leadership in etcd. */
public final class ControlPlaneApp {
  private ControlPlaneApp() {}

  public static void main(String[] args) {
    Micronaut.run(ControlPlaneApp.class, args);
  }
}
