package io.floe.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Json#read} builds its trees from the streaming parser: checked against Jackson's own
 * {@code ObjectMapper.readTree} as the reference on random documents and on the edges.
 */
class JsonTest {
  private static final ObjectMapper REFERENCE = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @Test
  void randomDocumentsReadAsJacksonReadsThem() throws Exception {
    Random random = new Random(20261206);
    for (int i = 0; i < 2_000; i++) {
      JsonNode tree = randomValue(random, 0);
      // Both the compact and the pretty form (what Json.write stores).
      for (String text : new String[] {REFERENCE.writeValueAsString(tree), Json.write(tree)}) {
        JsonNode read = Json.read("test", text);
        assertThat(read).as(text).isEqualTo(REFERENCE.readTree(text));
        assertThat(read).as(text).isEqualTo(tree);
      }
    }
  }

  @Test
  void numbersKeepTheirKindAndRange() throws Exception {
    String text =
        "[0, -1, 2147483647, 2147483648, -9223372036854775808, 9223372036854775808,"
            + " 1.5, -0.0, 1e308, 12345678901234567890123]";
    JsonNode read = Json.read("test", text);
    assertThat(read).isEqualTo(REFERENCE.readTree(text));
    assertThat(read.get(2).isInt()).isTrue();
    assertThat(read.get(3).isLong()).isTrue();
    assertThat(read.get(5).isBigInteger()).isTrue();
    assertThat(read.get(9).bigIntegerValue()).isEqualTo(new BigInteger("12345678901234567890123"));
    assertThat(read.get(6).isDouble()).isTrue();
  }

  @Test
  void aMemberNamedTwiceKeepsItsLastValue() throws Exception {
    String text = "{\"a\": 1, \"b\": [true], \"a\": {\"c\": null}}";
    JsonNode read = Json.read("test", text);
    assertThat(read).isEqualTo(REFERENCE.readTree(text));
    assertThat(read.get("a").get("c").isNull()).isTrue();
  }

  @Test
  void scalarsAndEmptyContainersAtTheRoot() {
    assertThat(Json.read("test", " null ").isNull()).isTrue();
    assertThat(Json.read("test", "\"x\"").textValue()).isEqualTo("x");
    assertThat(Json.read("test", "{}")).isEqualTo(NODES.objectNode());
    assertThat(Json.read("test", "[]")).isEqualTo(NODES.arrayNode());
    assertThat(Json.read("test", "[[],{}]".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isEqualTo(NODES.arrayNode().add(NODES.arrayNode()).add(NODES.objectNode()));
  }

  @Test
  void emptyAndBlankDocumentsAreRefused() {
    for (String text : new String[] {"", "   ", "\n\t"}) {
      assertThatThrownBy(() -> Json.read("catalog", text))
          .isInstanceOf(FormatException.class)
          .hasMessage("catalog: empty document");
    }
  }

  @Test
  void truncatedAndMalformedDocumentsAreRefusedNamingTheDocument() {
    String whole = "{\"format-version\": 1, \"columns\": [{\"name\": \"k\"}], \"x\": \"y\"}";
    // Every proper prefix of a document is malformed (white space aside).
    for (int cut = 1; cut < whole.length(); cut++) {
      String prefix = whole.substring(0, cut);
      assertThatThrownBy(() -> Json.read("table schema", prefix))
          .as(prefix)
          .isInstanceOf(FormatException.class)
          .hasMessageStartingWith("table schema: not valid JSON: ");
    }
    for (String bad :
        new String[] {
          "]", "}", "{\"a\" 1}", "{1: 2}", "[1,]", "{\"a\":1,}", "nul", "'x'", "[01]"
        }) {
      assertThatThrownBy(() -> Json.read("table schema", bad))
          .as(bad)
          .isInstanceOf(FormatException.class)
          .hasMessageStartingWith("table schema: not valid JSON: ");
    }
  }

  @Test
  void contentAfterTheDocumentIsRefused() {
    for (String text : new String[] {"{} {}", "{\"a\":1}]", "[1] 2", "{}x", "1 2"}) {
      assertThatThrownBy(() -> Json.read("catalog", text))
          .as(text)
          .isInstanceOf(FormatException.class)
          .hasMessageStartingWith("catalog: not valid JSON: ");
    }
    assertThat(Json.read("catalog", "{\"a\":1}\n\n  ").get("a").intValue()).isEqualTo(1);
  }

  @Test
  void nestingPastJacksonsLimitIsRefusedNotAStackOverflow() {
    String deep = "[".repeat(5_000) + "]".repeat(5_000);
    assertThatThrownBy(() -> Json.read("test", deep))
        .isInstanceOf(FormatException.class)
        .hasMessageStartingWith("test: not valid JSON: ");
    String fine = "[".repeat(500) + "]".repeat(500);
    assertThat(Json.read("test", fine).isArray()).isTrue();
  }

  private static JsonNode randomValue(Random random, int depth) {
    int kind = random.nextInt(depth > 4 ? 8 : 10);
    return switch (kind) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(random.nextBoolean());
      case 2 -> NODES.numberNode(random.nextInt());
      case 3 -> NODES.numberNode(random.nextLong() | (1L << 40));
      case 4 -> NODES.numberNode(new BigInteger(70 + random.nextInt(60), random).negate());
      case 5 -> NODES.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
      case 6, 7 -> NODES.textNode(randomString(random));
      case 8 -> {
        ObjectNode object = NODES.objectNode();
        int members = random.nextInt(6);
        for (int i = 0; i < members; i++) {
          object.set(randomString(random), randomValue(random, depth + 1));
        }
        yield object;
      }
      default -> {
        ArrayNode array = NODES.arrayNode();
        int items = random.nextInt(6);
        for (int i = 0; i < items; i++) {
          array.add(randomValue(random, depth + 1));
        }
        yield array;
      }
    };
  }

  /** Letters, escapes, control characters, non-ASCII and a surrogate pair. */
  private static String randomString(Random random) {
    String alphabet = "ab z\"\\/\n\t\u0001é€\uD83D\uDE00";
    StringBuilder out = new StringBuilder();
    int length = random.nextInt(8);
    for (int i = 0; i < length; i++) {
      int at = random.nextInt(alphabet.length() - 1);
      if (Character.isHighSurrogate(alphabet.charAt(at))) {
        out.append(alphabet, at, at + 2);
      } else if (!Character.isLowSurrogate(alphabet.charAt(at))) {
        out.append(alphabet.charAt(at));
      }
    }
    return out.toString();
  }
}
