package io.floe.storage.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WalKeysTest {
  @Test
  void keysFollowTheLayoutAndSortBySequence() {
    assertThat(WalKeys.objectKey("node-1", 17, 42))
        .isEqualTo("wal/node-1/17/00000000000000000042.wal");
    assertThat(WalKeys.objectKey("n", 1, 9).compareTo(WalKeys.objectKey("n", 1, 10))).isNegative();
    assertThat(WalKeys.sequenceOf(WalKeys.objectKey("n", 3, Long.MAX_VALUE)))
        .isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void badInputIsRefused() {
    assertThatThrownBy(() -> WalKeys.objectKey("a/b", 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WalKeys.objectKey("a", 1, -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WalKeys.sequenceOf("wal/a/1/12.wal"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WalKeys.sequenceOf("wal/a/1/0000000000000000000x.wal"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WalKeys.sequenceOf("wal/a/1/99999999999999999999.wal"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void otherObjectsUnderAStreamsPrefixAreNotWalObjects() {
    String key = WalKeys.objectKey("b", 17, 425);
    assertThat(WalKeys.isObjectKey(key)).isTrue();
    // an upload in progress as one store lists it, beside the key it will become
    assertThat(WalKeys.isObjectKey(key + "-c820d756-89f4-4bd8-a8f5-0f5bfed50fc3")).isFalse();
    assertThat(WalKeys.isObjectKey("wal/b/17/notes.txt")).isFalse();
    assertThat(WalKeys.isObjectKey("wal/b/17/-0000000000000000001.wal")).isFalse();
    assertThat(WalKeys.isObjectKey("wal/b/17/99999999999999999999.wal")).isFalse();
    assertThat(WalKeys.isObjectKey(WalKeys.objectKey("b", 17, Long.MAX_VALUE))).isTrue();
  }
}
