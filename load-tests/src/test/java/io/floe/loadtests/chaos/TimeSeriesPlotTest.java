package io.floe.loadtests.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.floe.loadtests.chaos.TimeSeriesPlot.Axis;
import io.floe.loadtests.chaos.TimeSeriesPlot.Marker;
import io.floe.loadtests.chaos.TimeSeriesPlot.Series;
import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeSeriesPlotTest {
  private static final Color BLUE = TimeSeriesPlot.PALETTE.get(0);

  @TempDir Path dir;

  private static TimeSeriesPlot plot() {
    return TimeSeriesPlot.of("throughput", "time since start", "ops/s");
  }

  private static Series line(String name, double[] y) {
    double[] x = new double[y.length];
    Arrays.setAll(x, i -> i);
    return new Series(name, x, y);
  }

  private BufferedImage writeAndRead(TimeSeriesPlot plot) throws IOException {
    Path png = dir.resolve("reports/run-1/plot.png");
    plot.write(png);
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image).as("a PNG ImageIO can read").isNotNull();
    return image;
  }

  private static boolean near(Color c, int rgb) {
    Color p = new Color(rgb);
    return Math.abs(p.getRed() - c.getRed()) <= 24
        && Math.abs(p.getGreen() - c.getGreen()) <= 24
        && Math.abs(p.getBlue() - c.getBlue()) <= 24;
  }

  private static boolean reddish(int rgb) {
    Color p = new Color(rgb);
    return p.getRed() - p.getGreen() > 60 && p.getRed() - p.getBlue() > 60;
  }

  private static Set<Integer> redColumns(BufferedImage image, Rectangle p, int row) {
    Set<Integer> columns = new TreeSet<>();
    for (int x = p.x; x < p.x + p.width; x++) {
      if (reddish(image.getRGB(x, row))) {
        columns.add(x);
      }
    }
    return columns;
  }

  private static int count(BufferedImage image, int x0, int x1, int y0, int y1, IntPredicate is) {
    int n = 0;
    for (int x = x0; x <= x1; x++) {
      for (int y = y0; y <= y1; y++) {
        n += is.test(image.getRGB(x, y)) ? 1 : 0;
      }
    }
    return n;
  }

  @Test
  void writesPngOfRequestedSizeCreatingParentDirectories() throws IOException {
    Path png = dir.resolve("a/b/c.png");
    plot().series(line("put", new double[] {1, 2, 3})).size(640, 300).write(png);

    byte[] head = Arrays.copyOf(Files.readAllBytes(png), 8);
    assertThat(head).containsExactly(0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a);
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(640);
    assertThat(image.getHeight()).isEqualTo(300);
    assertThatThrownBy(() -> plot().size(50, 20)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void defaultSizeIs1200By400() throws IOException {
    BufferedImage image = writeAndRead(plot().series(line("put", new double[] {1, 2})));

    assertThat(image.getWidth()).isEqualTo(1200);
    assertThat(image.getHeight()).isEqualTo(400);
  }

  @Test
  void seriesPutsFirstPaletteColourInsideThePlotArea() throws IOException {
    TimeSeriesPlot plot =
        plot().series(line("put", new double[] {0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100}));
    BufferedImage image = writeAndRead(plot);

    // The right half of the plot area: away from the legend's sample line at the top left.
    Rectangle p = plot.plotArea();
    int onLine =
        count(image, p.x + p.width / 2, p.x + p.width, p.y, p.y + p.height, rgb -> near(BLUE, rgb));
    assertThat(onLine).isGreaterThan(100);
    int outside = count(image, 0, image.getWidth() - 1, 0, p.y - 2, rgb -> near(BLUE, rgb));
    assertThat(outside).as("nothing drawn above the plot area").isZero();
  }

  @Test
  void seriesGetDistinctColours() throws IOException {
    TimeSeriesPlot plot =
        plot()
            .series(line("put", new double[] {0, 10, 0, 10, 0, 10}))
            .series(line("get", new double[] {5, 5, 5, 5, 5, 5}));
    BufferedImage image = writeAndRead(plot);

    Color second = TimeSeriesPlot.PALETTE.get(1);
    Rectangle p = plot.plotArea();
    int right = p.x + p.width / 2;
    assertThat(count(image, right, p.x + p.width, p.y, p.y + p.height, rgb -> near(second, rgb)))
        .isGreaterThan(100);
    assertThat(Set.copyOf(TimeSeriesPlot.PALETTE)).hasSize(TimeSeriesPlot.PALETTE.size());
    assertThat(plot.legendLines()).containsExactly("put", "get");
  }

  @Test
  void markerPutsItsColourAtItsX() throws IOException {
    TimeSeriesPlot plot =
        plot()
            .series(line("put", new double[101]))
            .markers(List.of(new Marker(25, Double.NaN, "kill-leader b")));
    BufferedImage image = writeAndRead(plot);

    // Below the flat line at 0 and the label beside the marker's top.
    Rectangle p = plot.plotArea();
    int row = (int) plot.pixelY(-0.8);
    Set<Integer> columns = redColumns(image, p, row);
    assertThat(columns).isNotEmpty();
    assertThat(columns)
        .allSatisfy(x -> assertThat((double) x).isCloseTo(plot.pixelX(25), within(2.0)));
    assertThat(plot.legendLines()).contains("1 fault");
  }

  @Test
  void markerWithEndShadesItsInterval() throws IOException {
    TimeSeriesPlot plot =
        plot()
            .series(line("put", new double[101]))
            .markers(List.of(new Marker(20, 40, "s3 outage")));
    BufferedImage image = writeAndRead(plot);

    int row = (int) plot.pixelY(-0.8);
    Color inside = new Color(image.getRGB((int) plot.pixelX(33), row));
    Color after = new Color(image.getRGB((int) plot.pixelX(67), row));
    assertThat(inside.getRed() - inside.getGreen()).as("tinted red: " + inside).isGreaterThan(15);
    assertThat(after).isEqualTo(Color.WHITE);
  }

  @Test
  void emptySeriesDrawsAxesAndNoData() throws IOException {
    TimeSeriesPlot plot = plot().series(new Series("put", new double[0], new double[0]));
    BufferedImage image = writeAndRead(plot);

    Rectangle p = plot.plotArea();
    int cx = p.x + p.width / 2;
    int cy = p.y + p.height / 2;
    assertThat(count(image, cx - 60, cx + 60, cy - 20, cy + 5, rgb -> (rgb & 0xff) < 160))
        .as("'no data' written in the middle")
        .isGreaterThan(20);
    int right = p.x + p.width / 2;
    assertThat(count(image, right, p.x + p.width, p.y, p.y + p.height, rgb -> near(BLUE, rgb)))
        .isZero();
    assertThat(new Color(image.getRGB(p.x, cy))).as("axis frame").isNotEqualTo(Color.WHITE);

    assertThat(writeAndRead(plot())).isNotNull();
  }

  @Test
  void singlePointIsDrawnAsADot() throws IOException {
    TimeSeriesPlot plot = plot().series(new Series("put", new double[] {5}, new double[] {7}));
    BufferedImage image = writeAndRead(plot);

    int x = (int) plot.pixelX(5);
    int y = (int) plot.pixelY(7);
    assertThat(count(image, x - 1, x + 1, y - 1, y + 1, rgb -> near(BLUE, rgb))).isPositive();
  }

  @Test
  void nanLeavesAGapAndAllEqualYIsPadded() throws IOException {
    double[] y = new double[101];
    Arrays.fill(y, 5);
    Arrays.fill(y, 40, 61, Double.NaN);
    TimeSeriesPlot plot = plot().series(line("put", y));
    BufferedImage image = writeAndRead(plot);

    Rectangle p = plot.plotArea();
    int row = (int) Math.round(plot.pixelY(5));
    assertThat(row).isBetween(p.y + 10, p.y + p.height - 10);
    int drawn =
        count(
            image,
            (int) plot.pixelX(10),
            (int) plot.pixelX(30),
            row - 3,
            row + 3,
            rgb -> near(BLUE, rgb));
    int gap =
        count(
            image,
            (int) plot.pixelX(44),
            (int) plot.pixelX(56),
            row - 3,
            row + 3,
            rgb -> near(BLUE, rgb));
    assertThat(drawn).isGreaterThan(100);
    assertThat(gap).isZero();
  }

  @Test
  void logAxisPutsZeroOnTheLowestDecade() throws IOException {
    TimeSeriesPlot plot =
        plot()
            .series(new Series("p99", new double[] {0, 10, 20, 30}, new double[] {0, 1, 10, 1000}))
            .logY(true);
    BufferedImage image = writeAndRead(plot);

    assertThat(plot.yAxis().ticks()).containsExactly(1.0, 10.0, 100.0, 1000.0);
    Rectangle p = plot.plotArea();
    int bottom = p.y + p.height;
    assertThat(plot.pixelY(0)).isEqualTo(bottom);
    int flat =
        count(
            image,
            (int) plot.pixelX(2),
            (int) plot.pixelX(8),
            bottom - 3,
            bottom,
            rgb -> near(BLUE, rgb));
    assertThat(flat).as("the segment from 0 to 1 runs along the bottom").isGreaterThan(20);
  }

  @Test
  void manyMarkersAreDrawnAsLinesAndCountedInTheLegend() throws IOException {
    List<Marker> markers = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      markers.add(new Marker(5 + 10 * i, i % 3 == 0 ? 7 + 10 * i : Double.NaN, "kill-node " + i));
    }
    double[] y = new double[3001];
    Arrays.setAll(y, i -> i % 100);
    TimeSeriesPlot plot = plot().series(line("put", y)).markers(markers);
    BufferedImage image = writeAndRead(plot);

    Rectangle p = plot.plotArea();
    int row = p.y + p.height - 5;
    Set<Integer> columns = redColumns(image, p, row);
    assertThat(columns.size()).isGreaterThan(250);
    assertThat(plot.legendLines()).containsExactly("put", "300 faults");
    assertThat(plot.xAxis().clock()).isTrue();
  }

  @Test
  void ticksAreRoundNumbers() {
    assertThat(Axis.niceStep(0.03)).isCloseTo(0.05, within(1e-12));
    assertThat(Axis.niceStep(1.5)).isEqualTo(2);
    assertThat(Axis.niceStep(3)).isEqualTo(5);
    assertThat(Axis.niceStep(7)).isEqualTo(10);

    Axis linear = Axis.linear(0, 97, 6);
    assertThat(linear.ticks()).containsExactly(0.0, 20.0, 40.0, 60.0, 80.0, 100.0);
    assertThat(linear.label(40)).isEqualTo("40");
    assertThat(Axis.linear(0, 0.9, 5).label(0.2)).isEqualTo("0.2");

    Axis log = Axis.log(0.3, 4000);
    assertThat(log.ticks()).containsExactly(0.1, 1.0, 10.0, 100.0, 1000.0, 10000.0);
    assertThat(log.ticks().stream().map(log::label))
        .containsExactly("0.1", "1", "10", "100", "1000", "10000");
  }

  @Test
  void longRunsAreLabelledInMinutesAndSeconds() {
    Axis seconds = Axis.time(0, 120, 11);
    assertThat(seconds.clock()).isFalse();
    assertThat(seconds.label(20)).isEqualTo("20");

    Axis hour = Axis.time(0, 3600, 11);
    assertThat(hour.clock()).isTrue();
    assertThat(hour.ticks()).contains(0.0, 600.0, 3600.0);
    assertThat(hour.label(600)).isEqualTo("10:00");
    assertThat(hour.label(3725)).isEqualTo("62:05");
  }

  @Test
  void seriesNeedsAscendingXOfTheSameLength() {
    assertThatThrownBy(() -> new Series("s", new double[] {1, 2}, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Series("s", new double[] {2, 1}, new double[] {1, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ascending");
  }
}
