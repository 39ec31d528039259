package io.floe.loadtests.chaos;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart of the fault harness's time series (throughput, latency, lag) with the injected
 * faults as vertical markers, written as a PNG. It draws with the JDK's own imaging only, off
 * screen, so reports render on headless build machines without any plotting dependency.
 *
 * <p>The x axis is seconds since the run's start; its unit ({@code s}, or {@code m:ss} once the run
 * is longer than ten minutes) is appended to the x label, because the caller cannot know which
 * format the range will choose.
 */
public final class TimeSeriesPlot {
  /** One line: y values at x seconds since the run's start (same length, x ascending). */
  public record Series(String name, double[] x, double[] y) {
    public Series {
      if (name == null || x == null || y == null || x.length != y.length) {
        throw new IllegalArgumentException("series needs a name and x, y arrays of one length");
      }
      for (int i = 0; i < x.length; i++) {
        if (!Double.isFinite(x[i]) || (i > 0 && x[i] < x[i - 1])) {
          throw new IllegalArgumentException(
              "series " + name + ": x must be finite and ascending, not " + x[i] + " at " + i);
        }
      }
      x = x.clone();
      y = y.clone();
    }
  }

  /**
   * A vertical marker: a fault injected at x seconds (label like "kill-leader b"); an optional end
   * (NaN if none) shades [x, end].
   */
  public record Marker(double x, double end, String label) {
    public Marker {
      if (!Double.isFinite(x)) {
        throw new IllegalArgumentException("marker " + label + " needs a finite x, not " + x);
      }
    }
  }

  /** Distinguishable on white and free of red, which belongs to the fault markers. */
  static final List<Color> PALETTE =
      List.of(
          new Color(0x1f77b4),
          new Color(0xff7f0e),
          new Color(0x2ca02c),
          new Color(0x9467bd),
          new Color(0x8c564b),
          new Color(0xe377c2),
          new Color(0x17becf),
          new Color(0x7f7f7f));

  static final Color MARKER = new Color(214, 39, 40, 170);
  static final Color MARKER_SHADE = new Color(214, 39, 40, 40);

  /** Above this many markers their labels would only overprint each other: lines only. */
  static final int MARKER_LABEL_LIMIT = 40;

  private static final Color GRID = new Color(225, 225, 225);
  private static final Color FRAME = new Color(110, 110, 110);
  private static final Color TEXT = new Color(40, 40, 40);
  private static final Color MARKER_TEXT = new Color(150, 20, 20);
  private static final int LEFT = 72;
  private static final int RIGHT = 24;
  private static final int TOP = 34;
  private static final int BOTTOM = 48;

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final List<Series> series = new ArrayList<>();
  private final List<Marker> markers = new ArrayList<>();
  private boolean logY;
  private int width = 1200;
  private int height = 400;

  private TimeSeriesPlot(String title, String xLabel, String yLabel) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  /** An empty chart with a title above and a label on each axis. */
  public static TimeSeriesPlot of(String title, String xLabel, String yLabel) {
    return new TimeSeriesPlot(title, xLabel, yLabel);
  }

  /** Adds a line in the next palette colour, named in the legend. */
  public TimeSeriesPlot series(Series s) {
    series.add(s);
    return this;
  }

  /**
   * Adds fault markers. Up to {@value #MARKER_LABEL_LIMIT} are labelled; beyond that only their
   * lines are drawn and the legend counts them.
   */
  public TimeSeriesPlot markers(List<Marker> m) {
    markers.addAll(m);
    return this;
  }

  /** A log y axis with a tick at each power of ten, for latencies; y ≤ 0 sits on the bottom. */
  public TimeSeriesPlot logY(boolean log) {
    this.logY = log;
    return this;
  }

  /** The image size in pixels; 1200x400 unless set. */
  public TimeSeriesPlot size(int width, int height) {
    if (width < LEFT + RIGHT + 100 || height < TOP + BOTTOM + 60) {
      throw new IllegalArgumentException("plot of " + width + "x" + height + " is too small");
    }
    this.width = width;
    this.height = height;
    return this;
  }

  /** Renders the chart and writes it as a PNG, creating the parent directories. */
  public void write(Path png) throws IOException {
    Path parent = png.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream out = Files.newOutputStream(png)) {
      if (!javax.imageio.ImageIO.write(render(), "png", out)) {
        throw new IOException("no PNG writer in this JDK for " + png);
      }
    }
  }

  BufferedImage render() {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      Axis x = xAxis();
      Axis y = yAxis();
      drawAxes(g, x, y);
      drawMarkers(g, x);
      drawSeries(g, x, y);
      drawLegend(g);
    } finally {
      g.dispose();
    }
    return image;
  }

  Rectangle plotArea() {
    return new Rectangle(LEFT, TOP, width - LEFT - RIGHT, height - TOP - BOTTOM);
  }

  double pixelX(double v) {
    Rectangle p = plotArea();
    return p.x + xAxis().fraction(v) * p.width;
  }

  double pixelY(double v) {
    Rectangle p = plotArea();
    return p.y + p.height - yAxis().fraction(v) * p.height;
  }

  List<String> legendLines() {
    List<String> lines = new ArrayList<>();
    series.forEach(s -> lines.add(s.name()));
    if (!markers.isEmpty()) {
      lines.add(markers.size() + (markers.size() == 1 ? " fault" : " faults"));
    }
    return lines;
  }

  Axis xAxis() {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      if (s.x().length > 0) {
        min = Math.min(min, s.x()[0]);
        max = Math.max(max, s.x()[s.x().length - 1]);
      }
    }
    for (Marker m : markers) {
      for (double v : new double[] {m.x(), m.end()}) {
        if (Double.isFinite(v)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    return min > max ? Axis.time(0, 1, 10) : Axis.time(min, max, plotArea().width / 100);
  }

  Axis yAxis() {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (double v : s.y()) {
        if (Double.isFinite(v) && (!logY || v > 0)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    if (logY) {
      return min > max ? Axis.log(1, 10) : Axis.log(min, max);
    }
    return min > max ? Axis.linear(0, 1, 5) : Axis.linear(min, max, plotArea().height / 50);
  }

  private void drawAxes(Graphics2D g, Axis x, Axis y) {
    Rectangle p = plotArea();
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    FontMetrics fm = g.getFontMetrics();
    for (double t : x.ticks()) {
      int px = (int) Math.round(p.x + x.fraction(t) * p.width);
      g.setColor(GRID);
      g.drawLine(px, p.y, px, p.y + p.height);
      g.setColor(TEXT);
      String s = x.label(t);
      g.drawString(s, px - fm.stringWidth(s) / 2, p.y + p.height + fm.getAscent() + 4);
    }
    for (double t : y.ticks()) {
      int py = (int) Math.round(p.y + p.height - y.fraction(t) * p.height);
      g.setColor(GRID);
      g.drawLine(p.x, py, p.x + p.width, py);
      g.setColor(TEXT);
      String s = y.label(t);
      g.drawString(s, p.x - fm.stringWidth(s) - 6, py + fm.getAscent() / 2 - 1);
    }
    g.setColor(FRAME);
    g.draw(p);
    drawLabels(g, x);
  }

  private void drawLabels(Graphics2D g, Axis x) {
    Rectangle p = plotArea();
    g.setColor(TEXT);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    FontMetrics fm = g.getFontMetrics();
    String xs = xLabel + (x.clock() ? " (m:ss)" : " (s)");
    g.drawString(xs, p.x + (p.width - fm.stringWidth(xs)) / 2, height - 8);
    AffineTransform saved = g.getTransform();
    g.rotate(-Math.PI / 2);
    g.drawString(yLabel, -(p.y + (p.height + fm.stringWidth(yLabel)) / 2), fm.getAscent() + 4);
    g.setTransform(saved);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    fm = g.getFontMetrics();
    g.drawString(title, (width - fm.stringWidth(title)) / 2, fm.getAscent() + 8);
  }

  private void drawMarkers(Graphics2D g, Axis x) {
    Rectangle p = plotArea();
    g.setClip(p);
    for (Marker m : markers) {
      if (Double.isFinite(m.end()) && m.end() > m.x()) {
        double from = p.x + x.fraction(m.x()) * p.width;
        double to = p.x + x.fraction(m.end()) * p.width;
        g.setColor(MARKER_SHADE);
        g.fill(new Rectangle2D.Double(from, p.y, to - from, p.height));
      }
    }
    g.setColor(MARKER);
    g.setStroke(new BasicStroke(1f));
    for (Marker m : markers) {
      double px = Math.round(p.x + x.fraction(m.x()) * p.width) + 0.5;
      g.draw(new Line2D.Double(px, p.y, px, p.y + p.height));
    }
    if (markers.size() <= MARKER_LABEL_LIMIT) {
      drawMarkerLabels(g, x);
    }
    g.setClip(null);
  }

  /** Labels run downwards beside their line; a label too close to the previous one steps down. */
  private void drawMarkerLabels(Graphics2D g, Axis x) {
    Rectangle p = plotArea();
    g.setColor(MARKER_TEXT);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    int ascent = g.getFontMetrics().getAscent();
    double previous = Double.NEGATIVE_INFINITY;
    int level = 0;
    for (Marker m : markers) {
      double px = p.x + x.fraction(m.x()) * p.width;
      level = px - previous < ascent + 2 ? (level + 1) % 3 : 0;
      previous = px;
      AffineTransform saved = g.getTransform();
      g.translate(px + 3, p.y + 4 + level * (p.height / 3.0));
      g.rotate(Math.PI / 2);
      g.drawString(m.label() == null ? "" : m.label(), 0, 0);
      g.setTransform(saved);
    }
  }

  private void drawSeries(Graphics2D g, Axis x, Axis y) {
    Rectangle p = plotArea();
    boolean any = false;
    // A little past the frame, so a line along the top or bottom (a clamped zero) is seen whole.
    g.setClip(p.x - 2, p.y - 2, p.width + 4, p.height + 4);
    for (int i = 0; i < series.size(); i++) {
      g.setColor(PALETTE.get(i % PALETTE.size()));
      g.setStroke(stroke(i));
      any |= drawLine(g, series.get(i), x, y);
    }
    g.setClip(null);
    if (!any) {
      g.setColor(FRAME);
      g.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 16));
      FontMetrics fm = g.getFontMetrics();
      g.drawString("no data", p.x + (p.width - fm.stringWidth("no data")) / 2, p.y + p.height / 2);
    }
  }

  /** After the palette runs out, lines repeat its colours dashed. */
  private static Stroke stroke(int i) {
    if (i < PALETTE.size()) {
      return new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    }
    return new BasicStroke(
        2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {8f, 4f}, 0f);
  }

  /**
   * Draws one series, breaking the line at NaN (or infinite) y and dotting points that have no
   * neighbour.
   */
  private boolean drawLine(Graphics2D g, Series s, Axis x, Axis y) {
    Rectangle p = plotArea();
    Path2D.Double path = new Path2D.Double();
    boolean any = false;
    double[] ys = s.y();
    for (int i = 0; i < ys.length; i++) {
      if (!Double.isFinite(ys[i])) {
        continue;
      }
      double px = p.x + x.fraction(s.x()[i]) * p.width;
      double py = p.y + p.height - y.fraction(ys[i]) * p.height;
      boolean joinsPrevious = i > 0 && Double.isFinite(ys[i - 1]);
      boolean joinsNext = i + 1 < ys.length && Double.isFinite(ys[i + 1]);
      if (joinsPrevious) {
        path.lineTo(px, py);
      } else {
        path.moveTo(px, py);
      }
      if (!joinsPrevious && !joinsNext) {
        g.fill(new Ellipse2D.Double(px - 3, py - 3, 6, 6));
      }
      any = true;
    }
    g.draw(path);
    return any;
  }

  private void drawLegend(Graphics2D g) {
    List<String> lines = legendLines();
    if (lines.isEmpty()) {
      return;
    }
    Rectangle p = plotArea();
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    FontMetrics fm = g.getFontMetrics();
    int row = fm.getHeight() + 2;
    int textWidth = lines.stream().mapToInt(fm::stringWidth).max().orElse(0);
    Rectangle box = new Rectangle(p.x + 8, p.y + 8, textWidth + 40, row * lines.size() + 8);
    g.setColor(new Color(255, 255, 255, 225));
    g.fill(box);
    g.setColor(GRID.darker());
    g.setStroke(new BasicStroke(1f));
    g.draw(box);
    for (int i = 0; i < lines.size(); i++) {
      int mid = box.y + 4 + i * row + row / 2;
      boolean isSeries = i < series.size();
      g.setColor(isSeries ? PALETTE.get(i % PALETTE.size()) : MARKER);
      g.setStroke(isSeries ? stroke(i) : new BasicStroke(2f));
      g.drawLine(box.x + 6, mid, box.x + 28, mid);
      g.setColor(TEXT);
      g.drawString(lines.get(i), box.x + 34, mid + fm.getAscent() / 2 - 1);
    }
  }

  /**
   * One axis: its range, its ticks and how its values are placed and labelled. Linear ranges are
   * widened to whole multiples of a 1/2/5 × 10^k step; log ranges to whole decades, where values at
   * or below zero sit on the lowest decade.
   */
  record Axis(double lo, double hi, List<Double> ticks, boolean log, boolean clock) {
    /** Tick steps for m:ss axes, in seconds: whole minutes and hours read better than 500 s. */
    private static final double[] CLOCK_STEPS = {
      60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400
    };

    private static final int MAX_DECADES = 12;

    static Axis linear(double min, double max, int target) {
      double[] range = padded(min, max);
      return ruled(
          range[0], range[1], niceStep((range[1] - range[0]) / Math.max(target, 2)), false);
    }

    /** Seconds since the start: plain seconds, or m:ss once the run passes ten minutes. */
    static Axis time(double min, double max, int target) {
      if (Math.max(Math.abs(min), Math.abs(max)) <= 600) {
        return linear(min, max, target);
      }
      double span = max - min;
      for (double step : CLOCK_STEPS) {
        if (span / step <= Math.max(target, 2)) {
          return ruled(min, max, step, true);
        }
      }
      return ruled(min, max, niceStep(span / Math.max(target, 2) / 86400) * 86400, true);
    }

    static Axis log(double minPositive, double maxPositive) {
      int from = (int) Math.floor(Math.log10(minPositive));
      int to = Math.max((int) Math.ceil(Math.log10(maxPositive)), from + 1);
      int stride = (to - from + MAX_DECADES - 1) / MAX_DECADES;
      List<Double> ticks = new ArrayList<>();
      for (int k = from; k <= to; k += stride) {
        ticks.add(Math.pow(10, k));
      }
      return new Axis(Math.pow(10, from), Math.pow(10, to), List.copyOf(ticks), true, false);
    }

    /** 1, 2 or 5 × 10^k, the smallest of them at least {@code rough}. */
    static double niceStep(double rough) {
      double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
      double f = rough / magnitude;
      return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude;
    }

    /** Where v lies between lo (0) and hi (1); log axes put v ≤ 0 at the bottom. */
    double fraction(double v) {
      if (log) {
        double clamped = Math.max(v, lo);
        return (Math.log10(clamped) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
      }
      return (v - lo) / (hi - lo);
    }

    String label(double v) {
      if (clock) {
        long total = Math.round(Math.abs(v));
        return String.format(Locale.ROOT, "%s%d:%02d", v < 0 ? "-" : "", total / 60, total % 60);
      }
      if (log) {
        int k = (int) Math.round(Math.log10(v));
        return k >= -4 && k <= 6 ? BigDecimal.ONE.scaleByPowerOfTen(k).toPlainString() : "1e" + k;
      }
      double step = ticks.size() > 1 ? ticks.get(1) - ticks.get(0) : 1;
      int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
      String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
      return s.matches("-0(\\.0*)?") ? s.substring(1) : s;
    }

    /** A single value or none would make an empty range: widen it around the value. */
    private static double[] padded(double min, double max) {
      if (max > min) {
        return new double[] {min, max};
      }
      double pad = min == 0 ? 1 : Math.abs(min) * 0.1;
      return new double[] {min - pad, max + pad};
    }

    private static Axis ruled(double min, double max, double step, boolean clock) {
      double lo = Math.floor(min / step + 1e-9) * step;
      double hi = Math.ceil(max / step - 1e-9) * step;
      if (hi <= lo) {
        hi = lo + step;
      }
      List<Double> ticks = new ArrayList<>();
      for (long i = Math.round(lo / step); i * step <= hi + step * 1e-9; i++) {
        ticks.add(i * step);
      }
      return new Axis(lo, hi, List.copyOf(ticks), false, clock);
    }
  }
}
