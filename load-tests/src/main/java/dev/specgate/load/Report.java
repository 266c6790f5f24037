package dev.specgate.load;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one invocation measured, ready to be written by {@link ReportWriter}.
 *
 * @param headlines named figures for the top of the report (speedups, capacities...), in order
 * @param notes     caveats a reader needs (what was not available, how a figure is defined)
 */
public record Report(String title, String command, List<RunGroup> groups, List<FaultScenario.Result> scenarios,
                     Map<String, Object> headlines, List<String> notes) {
    public Report {
        headlines = new LinkedHashMap<>(headlines);
    }
}
