package io.floe.controlplane.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The bearer tokens the control API accepts, held only as SHA-256 hashes (a stolen configuration
 * file or heap dump gives no token): each entry is {@code <sha256 hex> <role>}, from {@code
 * floe.auth.tokens} (comma-separated {@code hash:role}) and/or the lines of {@code
 * floe.auth.tokens-file}. A presented token is hashed and compared in constant time; it is never
 * logged.
 */
public final class Tokens {
  private final Map<String, Role> byHash;

  private Tokens(Map<String, Role> byHash) {
    this.byHash = Map.copyOf(byHash);
  }

  public static Tokens none() {
    return new Tokens(Map.of());
  }

  /**
   * @throws IllegalArgumentException naming the entry that is not {@code hash role}
   */
  public static Tokens parse(String inline, Optional<Path> file) {
    Map<String, Role> out = new LinkedHashMap<>();
    if (inline != null && !inline.isBlank()) {
      for (String entry : inline.split(",")) {
        add(out, entry.replace(':', ' '), "floe.auth.tokens");
      }
    }
    if (file.isPresent()) {
      try {
        for (String line : Files.readAllLines(file.get(), StandardCharsets.UTF_8)) {
          String l = line.strip();
          if (!l.isEmpty() && !l.startsWith("#")) {
            add(out, l, file.get().toString());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read floe.auth.tokens-file " + file.get(), e);
      }
    }
    return new Tokens(out);
  }

  private static void add(Map<String, Role> out, String entry, String source) {
    String[] parts = entry.trim().split("\\s+");
    if (parts.length < 2 || !parts[0].matches("[0-9a-fA-F]{64}")) {
      throw new IllegalArgumentException(
          source
              + ": a token entry is '<sha256 hex of the token> <role>', got '"
              + entry.trim()
              + "'");
    }
    out.put(parts[0].toLowerCase(java.util.Locale.ROOT), Role.parse(parts[1]));
  }

  /** True when tokens are configured: every call must then carry one. */
  public boolean enabled() {
    return !byHash.isEmpty();
  }

  /** The role of {@code token}, if it is known. */
  public Optional<Role> roleOf(String token) {
    byte[] presented = HexFormat.of().formatHex(sha256(token)).getBytes(StandardCharsets.US_ASCII);
    Role found = null;
    for (Map.Entry<String, Role> e : byHash.entrySet()) {
      if (MessageDigest.isEqual(presented, e.getKey().getBytes(StandardCharsets.US_ASCII))) {
        found = e.getValue();
      }
    }
    return Optional.ofNullable(found);
  }

  /** The hex SHA-256 of a token: what configuration holds. */
  public static String hash(String token) {
    return HexFormat.of().formatHex(sha256(token));
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
