package io.floe.client.control.impl;

import com.fasterxml.jackson.databind.JsonNode;
import io.floe.client.control.ControlResponseException;
import io.floe.core.format.FormatException;
import java.util.function.BiFunction;

/**
 * A successful answer's JSON body and the call that got it, so that a body not of the contract's
 * shape fails with a message naming the call and the member.
 *
 * @param call {@code GET http://cp-1:7080/v1/tables}
 */
public record ControlAnswer(String call, JsonNode body) {
  /** How parsers name this answer in their errors. */
  public String kind() {
    return "answer to " + call;
  }

  /**
   * The body read by {@code parser}, which gets {@link #kind()} (to name the answer in its errors)
   * and the body.
   *
   * @throws ControlResponseException when the parser finds the body malformed
   */
  public <T> T read(BiFunction<String, JsonNode, T> parser) {
    try {
      return parser.apply(kind(), body);
    } catch (FormatException e) {
      throw new ControlResponseException(
          "the control plane's " + e.getMessage() + " (not the shape control-api.md gives)", e);
    }
  }
}
