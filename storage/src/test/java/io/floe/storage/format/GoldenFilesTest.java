package io.floe.storage.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.floe.core.format.GoldenFiles;
import io.floe.core.format.Json;
import io.floe.core.format.UnsupportedFormatVersionException;
import io.floe.core.table.SchemaParser;
import io.floe.storage.backup.BackupManifestParser;
import io.floe.storage.catalog.CatalogParser;
import io.floe.storage.cluster.NodeRegistrationParser;
import io.floe.storage.cluster.PartitionAssignmentParser;
import io.floe.storage.cluster.PartitionReportParser;
import io.floe.storage.cluster.TableDefinitionParser;
import io.floe.storage.job.JobRecordParser;
import io.floe.storage.manifest.PartitionManifestParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Ties spec, JSON Schemas, golden files and parsers together (schemas/golden/index.json): every
 * valid file passes its JSON Schema, parses and survives a write/read round trip; every broken file
 * fails with the message the index names, and the JSON Schema catches it where the index says so.
 */
class GoldenFilesTest {
  private static final String SCHEMA_BASE = "https://floe.example/schemas/json/";

  /** A document kind: how to parse it and how to write a parsed value back. */
  private record Kind(Function<String, Object> parse, Function<Object, String> write) {}

  private static final Map<String, Kind> KINDS =
      Map.ofEntries(
          Map.entry(
              "table-schema",
              new Kind(
                  SchemaParser::fromJson, v -> SchemaParser.toJson((io.floe.core.table.Schema) v))),
          Map.entry(
              "partition-manifest",
              new Kind(
                  PartitionManifestParser::fromJson,
                  v ->
                      PartitionManifestParser.toJson(
                          (io.floe.storage.manifest.PartitionManifest) v))),
          Map.entry(
              "catalog",
              new Kind(
                  CatalogParser::fromJson,
                  v -> CatalogParser.toJson((io.floe.storage.catalog.Catalog) v))),
          Map.entry(
              "backup-manifest",
              new Kind(
                  BackupManifestParser::fromJson,
                  v -> BackupManifestParser.toJson((io.floe.storage.backup.BackupManifest) v))),
          Map.entry(
              "job-record",
              new Kind(
                  JobRecordParser::fromJson,
                  v -> JobRecordParser.toJson((io.floe.storage.job.JobRecord) v))),
          Map.entry(
              "table-definition",
              new Kind(
                  TableDefinitionParser::fromJson,
                  v -> TableDefinitionParser.toJson((io.floe.storage.catalog.CatalogTable) v))),
          Map.entry(
              "partition-assignment",
              new Kind(
                  PartitionAssignmentParser::fromJson,
                  v ->
                      PartitionAssignmentParser.toJson(
                          (io.floe.storage.cluster.PartitionAssignment) v))),
          Map.entry(
              "incarnation-claim",
              new Kind(
                  io.floe.storage.cluster.IncarnationClaimParser::fromJson,
                  v ->
                      io.floe.storage.cluster.IncarnationClaimParser.toJson(
                          (io.floe.storage.cluster.IncarnationClaim) v))),
          Map.entry(
              "node-registration",
              new Kind(
                  NodeRegistrationParser::fromJson,
                  v ->
                      NodeRegistrationParser.toJson((io.floe.storage.cluster.NodeRegistration) v))),
          Map.entry(
              "partition-status",
              new Kind(
                  PartitionReportParser::fromJson,
                  v -> PartitionReportParser.toJson((io.floe.storage.cluster.PartitionReport) v))));

  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(
          SpecVersion.VersionFlag.V202012,
          builder ->
              builder.schemaMappers(
                  mappers ->
                      mappers.mapPrefix(SCHEMA_BASE, "classpath:" + GoldenFiles.JSON_SCHEMAS)));

  @TestFactory
  Stream<DynamicTest> everyGoldenFileBehavesAsTheIndexSays() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode entry : GoldenFiles.goldenJson("index.json").get("files")) {
      String file = entry.get("file").asText();
      tests.add(DynamicTest.dynamicTest(file, () -> check(entry)));
    }
    return tests.stream();
  }

  private static void check(JsonNode entry) {
    String file = entry.get("file").asText();
    String kindName = entry.get("schema").asText();
    Kind kind = KINDS.get(kindName);
    assertThat(kind).as("known kind %s", kindName).isNotNull();
    Set<ValidationMessage> schemaErrors =
        jsonSchema(kindName).validate(GoldenFiles.goldenJson(file));
    String text = GoldenFiles.golden(file);
    if (entry.get("valid").asBoolean()) {
      assertThat(schemaErrors).as("JSON Schema errors of %s", file).isEmpty();
      Object parsed = kind.parse().apply(text);
      String written = kind.write().apply(parsed);
      assertThat(kind.parse().apply(written)).as("round trip of %s", file).isEqualTo(parsed);
      assertThat(jsonSchema(kindName).validate(Json.read(kindName, written)))
          .as("JSON Schema errors of %s as written back", file)
          .isEmpty();
    } else {
      boolean schemaCatches = entry.get("schema-catches").asBoolean();
      assertThat(schemaErrors.isEmpty())
          .as("JSON Schema passes %s", file)
          .isEqualTo(!schemaCatches);
      assertThatThrownBy(() -> kind.parse().apply(text))
          .as("parsing %s", file)
          .hasMessageContaining(entry.get("error").asText());
    }
  }

  @Test
  void unknownFormatVersionIsTyped() {
    assertThatThrownBy(
            () ->
                PartitionManifestParser.fromJson(
                    GoldenFiles.golden("partition-manifest-v1-broken-unknown-version.json")))
        .isInstanceOfSatisfying(
            UnsupportedFormatVersionException.class,
            e -> {
              assertThat(e.found()).isEqualTo(99);
              assertThat(e.supported()).containsExactly(1);
            });
  }

  @Test
  void theIndexCoversEveryGoldenFile() throws IOException {
    Path folder = Path.of("..", "schemas", "golden");
    assertThat(folder).isDirectory();
    Set<String> indexed = new HashSet<>();
    GoldenFiles.goldenJson("index.json")
        .get("files")
        .forEach(e -> indexed.add(e.get("file").asText()));
    try (Stream<Path> files = Files.list(folder)) {
      List<String> documents =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.matches("(" + String.join("|", KINDS.keySet()) + ")-.*\\.json"))
              .toList();
      assertThat(indexed).containsExactlyInAnyOrderElementsOf(documents);
    }
  }

  private static JsonSchema jsonSchema(String kind) {
    return FACTORY.getSchema(SchemaLocation.of(SCHEMA_BASE + kind + ".schema.json"));
  }
}
