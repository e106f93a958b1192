package io.gatehouse.core.generation;

import io.gatehouse.core.config.ConfigPath;
import io.gatehouse.core.config.MatchConfig;
import io.gatehouse.core.config.Problem;
import io.gatehouse.core.config.RouteConfig;
import io.gatehouse.core.route.HostPattern;
import io.gatehouse.core.route.PathTemplate;
import io.gatehouse.core.route.PathTemplates;
import io.gatehouse.core.route.RouteTable;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What {@link RouteTable#build} would refuse about a route, found before building it so that each problem has its
 * config path ({@code routes[2].match.host}) and {@code gatehouse check} reports it too.
 */
final class RouteChecks {

    private RouteChecks() {
    }

    /** Adds the problems of one route's match and rewrite; tolerates a partly bound route. */
    static void check(RouteConfig route, String base, List<Problem> problems, PathTemplates.Session templates) {
        MatchConfig match = route.match();
        if (match == null) {
            return;
        }
        if (match.host() != null) {
            HostPattern.problem(match.host()).ifPresent(p -> problems.add(new Problem(base + ".match.host", p)));
        }
        for (int i = 0; i < match.hosts().size(); i++) {
            String host = match.hosts().get(i);
            String path = ConfigPath.index(base + ".match.hosts", i);
            if (host != null) {
                HostPattern.problem(host).ifPresent(p -> problems.add(new Problem(path, p)));
            }
        }
        if (match.path() == null) {
            return;
        }
        templates.problem(match.path()).ifPresent(p -> problems.add(new Problem(base + ".match.path", p)));
        if (route.rewrite() != null) {
            checkRewrite(route, base, problems);
        }
    }

    private static void checkRewrite(RouteConfig route, String base, List<Problem> problems) {
        Optional<String> problem = PathTemplate.problem(route.rewrite());
        if (problem.isPresent()) {
            problems.add(new Problem(base + ".rewrite", problem.get()));
            return;
        }
        if (PathTemplate.problem(route.match().path()).isPresent()) {
            return;
        }
        Set<String> available = PathTemplate.params(route.match().path());
        for (String param : PathTemplate.params(route.rewrite())) {
            if (!available.contains(param)) {
                problems.add(new Problem(base + ".rewrite", "uses ':" + param
                        + "' but the match path '" + route.match().path() + "' has no such parameter"));
            }
        }
    }
}
