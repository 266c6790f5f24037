package dev.specgate.load;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small PNG line charts (XChart, headless) for the Markdown report: CDFs and per-second series. */
public final class Charts {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 400;
    /** Points per CDF line: enough for a smooth curve, few enough to keep PNGs small. */
    private static final int CDF_POINTS = 200;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {
    }

    /** Cumulative distribution of each series' values (x: value, y: fraction at or below). */
    public static void cdf(Path file, String title, String xTitle, Map<String, double[]> series, boolean logX)
            throws IOException {
        XYChart chart = chart(title, xTitle, "fraction ≤ x");
        chart.getStyler().setXAxisLogarithmic(logX);
        for (var e : series.entrySet()) {
            double[] sorted = new Percentiles(e.getValue()).sorted();
            if (sorted.length == 0) {
                continue;
            }
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            int step = Math.max(1, sorted.length / CDF_POINTS);
            for (int i = 0; i < sorted.length; i += step) {
                xs.add(logX ? Math.max(0.01, sorted[i]) : sorted[i]);
                ys.add((i + 1) / (double) sorted.length);
            }
            xs.add(logX ? Math.max(0.01, sorted[sorted.length - 1]) : sorted[sorted.length - 1]);
            ys.add(1.0);
            line(chart, e.getKey(), xs, ys);
        }
        save(chart, file);
    }

    /** Plain x/y lines, e.g. per-second series or a figure against concurrency. */
    public static void lines(Path file, String title, String xTitle, String yTitle,
                             Map<String, List<double[]>> series) throws IOException {
        lines(file, title, xTitle, yTitle, series, Styler.LegendPosition.InsideSE);
    }

    /** {@link #lines(Path, String, String, String, Map)} with the legend elsewhere, e.g. below the plot. */
    public static void lines(Path file, String title, String xTitle, String yTitle,
                             Map<String, List<double[]>> series, Styler.LegendPosition legend) throws IOException {
        XYChart chart = chart(title, xTitle, yTitle);
        chart.getStyler().setLegendPosition(legend);
        for (var e : series.entrySet()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (double[] p : e.getValue()) {
                if (!Double.isNaN(p[1])) {
                    xs.add(p[0]);
                    ys.add(p[1]);
                }
            }
            if (!xs.isEmpty()) {
                XYSeries s = line(chart, e.getKey(), xs, ys);
                s.setMarker(SeriesMarkers.CIRCLE);
            }
        }
        save(chart, file);
    }

    private static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE).setMarkerSize(4)
                .setChartBackgroundColor(java.awt.Color.WHITE).setAntiAlias(true);
        return chart;
    }

    private static XYSeries line(XYChart chart, String name, List<Double> xs, List<Double> ys) {
        XYSeries s = chart.addSeries(name, xs, ys);
        s.setMarker(SeriesMarkers.NONE);
        return s;
    }

    private static void save(XYChart chart, Path file) throws IOException {
        if (chart.getSeriesMap().isEmpty()) {
            return;
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
