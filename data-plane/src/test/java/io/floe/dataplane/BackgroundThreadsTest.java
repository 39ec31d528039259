package io.floe.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BackgroundThreadsTest {

  @Test
  void backgroundWorkRunsAtTheConfiguredNiceValueAndTheCallerIsLeftAlone() throws Exception {
    int callerBefore = niceOfThisThread();
    assertThat(runOnBackgroundThread(new Properties())).isEqualTo(BackgroundThreads.NICE_DEFAULT);
    Properties eleven = new Properties();
    eleven.setProperty(BackgroundThreads.NICE, "11");
    assertThat(runOnBackgroundThread(eleven)).isEqualTo(11);
    assertThat(niceOfThisThread()).isEqualTo(callerBefore);
  }

  @Test
  void zeroLeavesBackgroundWorkAtTheNodesPriority() throws Exception {
    Properties zero = new Properties();
    zero.setProperty(BackgroundThreads.NICE, "0");
    assertThat(runOnBackgroundThread(zero)).isEqualTo(niceOfThisThread());
  }

  @Test
  void aValueThatWouldRaiseThePriorityOrIsOutOfRangeIsRefused() {
    for (String bad : new String[] {"-1", "20"}) {
      Properties p = new Properties();
      p.setProperty(BackgroundThreads.NICE, bad);
      assertThatThrownBy(() -> BackgroundThreads.scheduler("t", p))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(BackgroundThreads.NICE)
          .hasMessageContaining(bad);
    }
  }

  private static int runOnBackgroundThread(Properties settings) throws Exception {
    ScheduledExecutorService thread = BackgroundThreads.scheduler("floe-test-background", settings);
    try {
      return thread.submit(BackgroundThreadsTest::niceOfThisThread).get(10, TimeUnit.SECONDS);
    } finally {
      thread.shutdownNow();
    }
  }

  /** Field 19 of /proc/thread-self/stat: the calling thread's nice value. */
  private static int niceOfThisThread() throws Exception {
    String stat = Files.readString(Path.of("/proc/thread-self/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Integer.parseInt(fields[16]);
  }
}
