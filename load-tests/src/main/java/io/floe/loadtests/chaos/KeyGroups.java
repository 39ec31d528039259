package io.floe.loadtests.chaos;

import io.floe.core.table.Durability;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;

/**
 * A history's ops grouped by (table, key) with a counting sort: every key gets a number on first
 * sight, and the ops' positions are laid out key after key, each key's in history order. Grouping
 * ten million ops costs two ints per op and one map entry per distinct key.
 */
final class KeyGroups {
  /** Receives the ops of one key, in history order. */
  interface KeyVisitor {
    void visit(String table, String key, Durability mode, List<Op> ops);
  }

  private final List<Op> history;
  private final Map<String, Map<String, Integer>> numbers = new HashMap<>();
  private final List<String> tableOf = new ArrayList<>();
  private final List<String> keyOf = new ArrayList<>();
  private final Map<String, Durability> tableModes = new HashMap<>();
  private final int[] keyStart;
  private final int[] positions;

  KeyGroups(List<Op> history) {
    if (history.size() > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("history of " + history.size() + " ops is too long");
    }
    this.history = history instanceof RandomAccess ? history : new ArrayList<>(history);
    int[] numberOf = numberKeys();
    keyStart = new int[keyOf.size() + 1];
    for (int number : numberOf) {
      keyStart[number + 1]++;
    }
    for (int k = 0; k < keyOf.size(); k++) {
      keyStart[k + 1] += keyStart[k];
    }
    positions = new int[numberOf.length];
    int[] next = keyStart.clone();
    for (int position = 0; position < numberOf.length; position++) {
      positions[next[numberOf[position]]++] = position;
    }
  }

  /** The tables the history touched. */
  Set<String> tables() {
    return tableModes.keySet();
  }

  /** The durability mode of a table, or null if the history never touched it. */
  Durability modeOf(String table) {
    return tableModes.get(table);
  }

  boolean contains(String table, String key) {
    return numbers.getOrDefault(table, Map.of()).containsKey(key);
  }

  /** Visits every key once, in order of its first op. */
  void forEachKey(KeyVisitor visitor) {
    for (int k = 0; k < keyOf.size(); k++) {
      List<Op> ops = new ArrayList<>(keyStart[k + 1] - keyStart[k]);
      for (int i = keyStart[k]; i < keyStart[k + 1]; i++) {
        ops.add(history.get(positions[i]));
      }
      String table = tableOf.get(k);
      visitor.visit(table, keyOf.get(k), tableModes.get(table), ops);
    }
  }

  private int[] numberKeys() {
    int[] numberOf = new int[history.size()];
    String lastTable = null;
    Map<String, Integer> keys = null;
    for (int position = 0; position < numberOf.length; position++) {
      Op op = history.get(position);
      if (!op.table().equals(lastTable)) {
        lastTable = op.table();
        keys = numbers.computeIfAbsent(lastTable, t -> new HashMap<>());
        Durability known = tableModes.putIfAbsent(lastTable, op.mode());
        if (known != null && known != op.mode()) {
          throw new IllegalArgumentException(
              "table " + lastTable + " is recorded as both " + known + " and " + op.mode());
        }
      } else if (op.mode() != tableModes.get(lastTable)) {
        throw new IllegalArgumentException(
            "table "
                + lastTable
                + " is recorded as both "
                + tableModes.get(lastTable)
                + " and "
                + op.mode());
      }
      Integer number = keys.get(op.key());
      if (number == null) {
        number = keyOf.size();
        keys.put(op.key(), number);
        tableOf.add(lastTable);
        keyOf.add(op.key());
      }
      numberOf[position] = number;
    }
    return numberOf;
  }
}
