package io.floe.cli.ns;

import io.floe.cli.ExitCodes;
import io.floe.cli.Floe;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code ns} prompt, as OpenMLDB's ns client offers: reads one command a line from standard
 * input ({@code > showtable db.t}) and runs it as {@code floe ns <line>} would, until {@code quit},
 * {@code exit} or the end of input. A command that fails prints its error and the prompt goes on;
 * the connection settings of the command line that opened the prompt hold for every line.
 */
final class NsPrompt {
  private static final String PROMPT = "> ";
  private static final Set<String> ENDS = Set.of("quit", "exit");

  private final Floe floe;
  private final PrintWriter out;
  private final PrintWriter err;

  NsPrompt(Floe floe, PrintWriter out, PrintWriter err) {
    this.floe = floe;
    this.out = out;
    this.err = err;
  }

  int run() {
    BufferedReader in =
        new BufferedReader(
            new InputStreamReader(floe.environment().stdin(), StandardCharsets.UTF_8));
    while (true) {
      out.print(PROMPT);
      out.flush();
      String line = readLine(in);
      if (line == null) {
        out.println();
        out.flush();
        return ExitCodes.OK;
      }
      line = line.strip();
      if (ENDS.contains(line)) {
        return ExitCodes.OK;
      }
      if (!line.isEmpty()) {
        execute(line);
      }
    }
  }

  private void execute(String line) {
    List<String> words;
    try {
      words = words(line);
    } catch (IllegalArgumentException e) {
      err.println("floe: " + e.getMessage());
      err.flush();
      return;
    }
    List<String> args = new ArrayList<>();
    args.add("ns");
    args.addAll(words);
    Floe.commandLine(floe.forPrompt(), out, err).execute(args.toArray(String[]::new));
  }

  private static String readLine(BufferedReader in) {
    try {
      return in.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the prompt's input", e);
    }
  }

  /** Splits a line into words at spaces; single or double quotes keep spaces in a word. */
  static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (char c : line.toCharArray()) {
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("unclosed " + quote + " in: " + line);
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }
}
