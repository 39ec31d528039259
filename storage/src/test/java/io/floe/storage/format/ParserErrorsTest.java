package io.floe.storage.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.format.FormatException;
import io.floe.core.format.GoldenFiles;
import io.floe.storage.catalog.CatalogParser;
import io.floe.storage.manifest.PartitionManifest;
import io.floe.storage.manifest.PartitionManifestParser;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ParserErrorsTest {

  @Test
  void malformedJsonAndNonObjectsAreFormatErrors() {
    assertThatThrownBy(() -> PartitionManifestParser.fromJson("{\"format-version\": "))
        .isInstanceOf(FormatException.class)
        .hasMessageStartingWith("partition manifest: not valid JSON");
    assertThatThrownBy(() -> CatalogParser.fromJson("[1, 2]"))
        .isInstanceOf(FormatException.class)
        .hasMessage("catalog: the document must be a JSON object");
    assertThatThrownBy(() -> CatalogParser.fromJson(""))
        .isInstanceOf(FormatException.class)
        .hasMessage("catalog: empty document");
    assertThatThrownBy(() -> CatalogParser.fromJson("{\"format-version\": \"1\"}"))
        .hasMessage("catalog: format-version must be an integer, found \"1\"");
  }

  @Test
  void theVersionInsideMustMatchTheKey() {
    byte[] golden =
        GoldenFiles.golden("partition-manifest-v1-valid.json").getBytes(StandardCharsets.UTF_8);
    PartitionManifest manifest = PartitionManifestParser.fromJson(golden, 12);
    assertThat(manifest.lastOffset()).isEqualTo(1130);
    assertThat(manifest.latestSnapshot().orElseThrow().offset()).isEqualTo(1000);
    assertThatThrownBy(() -> PartitionManifestParser.fromJson(golden, 13))
        .isInstanceOf(FormatException.class)
        .hasMessage("partition manifest: the key names version 13 but the document holds 12");
  }
}
