package io.floe.storage.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.core.format.Json;
import io.floe.core.format.JsonObject;
import java.util.Locale;
import java.util.Set;

/** Reads and writes job records ({@code json/job-record.schema.json}). */
public final class JobRecordParser {
  public static final String KIND = "job record";
  public static final int FORMAT_VERSION = 1;
  private static final Set<Integer> SUPPORTED = Set.of(FORMAT_VERSION);

  private JobRecordParser() {}

  public static String toJson(JobRecord job) {
    ObjectNode node = Json.object();
    node.put("format-version", FORMAT_VERSION);
    node.put("job-id", job.jobId());
    node.put("type", job.type().name().toLowerCase(Locale.ROOT));
    node.put("db", job.db());
    node.put("label", job.label());
    node.put("state", job.state().name());
    node.put("created-ms", job.createdMs());
    node.put("updated-ms", job.updatedMs());
    node.put("deadline-ms", job.deadlineMs());
    node.putObject("progress").put("done", job.tasksDone()).put("total", job.tasksTotal());
    ArrayNode errors = node.putArray("task-errors");
    job.taskErrors().forEach(e -> errors.addObject().put("task", e.task()).put("error", e.error()));
    job.reason().ifPresent(reason -> node.put("reason", reason));
    return Json.write(node);
  }

  public static JobRecord fromJson(String json) {
    return fromNode(Json.read(KIND, json));
  }

  public static JobRecord fromNode(JsonNode json) {
    JsonObject root = JsonObject.root(KIND, json);
    root.formatVersion(SUPPORTED);
    JobType type = type(root);
    JobState state = state(root, type);
    JsonObject progress = root.object("progress");
    if (state == JobState.CANCELLED && !root.has("reason")) {
      throw root.error("reason", "is required for a CANCELLED job");
    }
    return new JobRecord(
        root.text("job-id"),
        type,
        root.text("db"),
        root.text("label"),
        state,
        root.count("created-ms"),
        root.count("updated-ms"),
        root.count("deadline-ms"),
        progress.count("done"),
        progress.count("total"),
        root.objects("task-errors").stream()
            .map(e -> new JobRecord.TaskError(e.string("task"), e.string("error")))
            .toList(),
        root.optionalString("reason"));
  }

  private static JobType type(JsonObject root) {
    String type = root.string("type");
    return switch (type) {
      case "backup" -> JobType.BACKUP;
      case "restore" -> JobType.RESTORE;
      default -> throw root.error("type", "must be backup or restore, found '" + type + "'");
    };
  }

  private static JobState state(JsonObject root, JobType type) {
    String name = root.string("state");
    for (JobState state : type.states()) {
      if (state.name().equals(name)) {
        return state;
      }
    }
    throw root.error(
        "state",
        "'"
            + name
            + "' is not a state of a "
            + type.name().toLowerCase(Locale.ROOT)
            + " job ("
            + type.states()
            + ")");
  }
}
