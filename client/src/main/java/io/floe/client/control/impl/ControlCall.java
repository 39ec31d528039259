package io.floe.client.control.impl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One request to the control API.
 *
 * @param path from the base URL, query included ({@code /v1/ops?table=db.t})
 * @param body the JSON body, or null
 * @param idempotent whether sending it twice does what sending it once does: only such calls are
 *     sent to the next replica after a connection broke mid-call
 */
public record ControlCall(String method, String path, JsonNode body, boolean idempotent) {
  public ControlCall {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
  }

  public static ControlCall get(String path) {
    return new ControlCall("GET", path, null, true);
  }

  /** A write that may not be repeated: a second one could start a second operation. */
  public static ControlCall post(String path, JsonNode body) {
    return new ControlCall("POST", path, body, false);
  }

  /** Setting a value is idempotent. */
  public static ControlCall put(String path, JsonNode body) {
    return new ControlCall("PUT", path, body, true);
  }

  /** A repeated drop answers {@code TABLE_NOT_FOUND}, which would hide the first one's success. */
  public static ControlCall delete(String path) {
    return new ControlCall("DELETE", path, null, false);
  }

  public boolean write() {
    return !"GET".equals(method);
  }
}
