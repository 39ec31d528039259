package io.floe.client.control.impl;

import com.fasterxml.jackson.databind.JsonNode;
import io.floe.client.control.ControlApiException;
import io.floe.core.format.FormatException;
import io.floe.core.format.Json;

/**
 * The client's half of the problem mapping (control-api.md §1): an error answer becomes a {@link
 * ControlApiException} carrying the problem's members. A body that is not a problem document still
 * gives an exception naming the status and the start of the body.
 */
public final class Problems {
  static final String CODE = "code";
  static final String TITLE = "title";
  static final String DETAIL = "detail";
  static final String LEADER = "leader";

  /** How much of a non-problem body a message quotes. */
  private static final int QUOTED_BODY_CHARS = 200;

  private Problems() {}

  /**
   * @param call the request and URL that answered, for the message
   */
  public static ControlApiException toException(String call, int status, String body) {
    JsonNode problem = parse(body);
    if (problem == null || !problem.isObject() || !problem.hasNonNull(CODE)) {
      return new ControlApiException(call, status, null, "HTTP " + status, quote(body), null);
    }
    return new ControlApiException(
        call,
        status,
        problem.get(CODE).asText(),
        text(problem, TITLE),
        text(problem, DETAIL),
        text(problem, LEADER));
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      return Json.read("problem", body);
    } catch (FormatException e) {
      return null;
    }
  }

  private static String text(JsonNode problem, String member) {
    JsonNode value = problem.get(member);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static String quote(String body) {
    if (body == null || body.isBlank()) {
      return "(empty body)";
    }
    String text = body.strip();
    return text.length() > QUOTED_BODY_CHARS ? text.substring(0, QUOTED_BODY_CHARS) + "…" : text;
  }
}
