package io.floe.core.table;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.floe.core.format.GoldenFiles;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Pins the row and key encodings (spec.md §3-4) to schemas/golden/row-key-v1.json. */
class EncodingGoldenTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void goldenRowEncodesAndDecodesToTheCheckedInBytes() {
    JsonNode golden = GoldenFiles.goldenJson("row-key-v1.json");
    Schema schema = SchemaParser.fromJson(GoldenFiles.golden(golden.get("schema").asText()));
    Row row = rowOf(schema, golden.get("values"));
    new RowValidator(schema).validate(row);

    byte[] encodedRow = HEX.parseHex(golden.get("encoded-row-hex").asText());
    assertThat(new RowCodec(schema).encode(row)).isEqualTo(encodedRow);
    assertThat(new RowCodec(schema).decode(encodedRow)).isEqualTo(row);
    assertThat(HEX.formatHex(new KeyCodec(schema).encode(row)))
        .isEqualTo(golden.get("encoded-key-hex").asText());
  }

  private static Row rowOf(Schema schema, JsonNode values) {
    Object[] row = new Object[schema.size()];
    for (int i = 0; i < row.length; i++) {
      JsonNode v = values.get(i);
      row[i] =
          v.isNull()
              ? null
              : switch (schema.column(i).type()) {
                case BOOL -> v.asBoolean();
                case INT32 -> v.asInt();
                case INT64, TIMESTAMP -> Long.parseLong(v.asText());
                case FLOAT32 -> (float) v.asDouble();
                case FLOAT64 -> v.asDouble();
                case STRING -> v.asText();
                case BYTES -> HEX.parseHex(v.asText());
              };
    }
    return new Row(row);
  }
}
