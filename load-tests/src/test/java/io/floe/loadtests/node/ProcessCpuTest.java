package io.floe.loadtests.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessCpuTest {
  @Test
  void compilerThreadsTimeIsPartOfTheProcessTime() {
    long compilers = ProcessCpu.compilerNanos();
    long process = ProcessCpu.nanos(0);

    assertThat(compilers).as("JIT threads found in /proc/self/task").isNotNegative();
    assertThat(compilers).isLessThanOrEqualTo(process);
  }

  @Test
  void aProcessThatIsNotThereIsUnknown() {
    assertThat(ProcessCpu.nanos(Long.MAX_VALUE)).isEqualTo(-1);
  }
}
