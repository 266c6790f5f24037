package dev.specgate.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.specgate.gateway.DecodeMode;
import dev.specgate.routing.RouteHint;

/**
 * A request's route hint, the one way to steer routing: body {@code specgate_route} or header
 * {@code X-Specgate-Route}, with {@code local}, {@code hybrid}, {@code cloud} or {@code auto}. The decode-mode
 * names {@code draft-only}, {@code speculative}, {@code verifier-only} are accepted as the same routes, and
 * {@code specgate_mode} / {@code X-Specgate-Mode} (the earlier names) as the same field. The body wins over the
 * headers; two names given in the same place must agree.
 */
final class RouteHints {
    static final String ROUTE_FIELD = "specgate_route";
    static final String MODE_FIELD = "specgate_mode";
    static final String ROUTE_HEADER = "X-Specgate-Route";
    static final String MODE_HEADER = "X-Specgate-Mode";

    private RouteHints() {
    }

    static RouteHint read(JsonNode body, String routeHeader, String modeHeader) {
        String route = body.hasNonNull(ROUTE_FIELD) ? body.get(ROUTE_FIELD).asText() : null;
        String mode = body.hasNonNull(MODE_FIELD) ? body.get(MODE_FIELD).asText() : null;
        if (route != null || mode != null) {
            return agree(ROUTE_FIELD, route, MODE_FIELD, mode);
        }
        return agree(ROUTE_HEADER, routeHeader, MODE_HEADER, modeHeader);
    }

    private static RouteHint agree(String routeName, String routeText, String modeName, String modeText) {
        RouteHint route = parse(routeName, routeText);
        RouteHint mode = parse(modeName, modeText);
        if (routeText != null && modeText != null && route != mode) {
            throw ApiException.invalid(modeName, modeName + " '" + modeText + "' contradicts " + routeName + " '"
                    + routeText + "': send one of them");
        }
        return routeText != null ? route : mode;
    }

    /** A route or mode name; null or blank is {@code auto}. */
    static RouteHint parse(String param, String text) {
        if (text == null || text.isBlank()) {
            return RouteHint.AUTO;
        }
        DecodeMode mode = DecodeMode.parse(text);
        if (mode != null) {
            return RouteHint.parse(mode.route().label());
        }
        try {
            return RouteHint.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(param, "'" + text + "' is not a route (local, hybrid, cloud, auto) nor a "
                    + "decode mode (draft-only, speculative, verifier-only)");
        }
    }
}
