package io.floe.controlplane.ops;

/** An operation's status, as {@code showopstatus} prints it. */
public enum OpStatus {
  inited,
  doing,
  done,
  failed,
  canceled;

  public boolean ended() {
    return this == done || this == failed || this == canceled;
  }
}
