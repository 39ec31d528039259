package io.floe.controlplane.auth;

import java.util.Locale;

/** What a token may do (DESIGN.md §12): each role can do everything the one before it can. */
public enum Role {
  READER,
  WRITER,
  ADMIN;

  public boolean covers(Role needed) {
    return ordinal() >= needed.ordinal();
  }

  public static Role parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown role '" + name + "': reader, writer or admin");
    }
  }

  /**
   * The role a call needs: configuration and operations are {@code admin} only (reading them too),
   * table DDL needs {@code writer}, every other read {@code reader}.
   */
  public static Role needed(String method, String path) {
    boolean read = method.equals("GET") || method.equals("HEAD");
    if (path.startsWith("/v1/config")
        || path.startsWith("/v1/ops")
        || path.startsWith("/v1/ns/") && !read) {
      return ADMIN;
    }
    if (path.startsWith("/v1/tables") && !read) {
      return WRITER;
    }
    return read ? READER : ADMIN;
  }
}
