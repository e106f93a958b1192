package io.gatehouse.plugins.auth.jwt;

import io.gatehouse.core.config.Problem;
import io.gatehouse.core.config.RecordBinder;
import org.yaml.snakeyaml.Yaml;

import java.util.ArrayList;
import java.util.List;

/** Configs of {@code filter.jwt} from YAML, bound and validated the way the gateway does. */
final class TestConfigs {

    private TestConfigs() {
    }

    /** @return every problem binding and validation report, as {@code path: message} */
    static List<String> problems(String yaml) {
        List<Problem> bound = new ArrayList<>();
        JwtConfig config = new RecordBinder().bind(new Yaml().load(yaml), JwtConfig.class, "", bound);
        List<String> problems = new ArrayList<>(bound.stream().map(Problem::toString).toList());
        if (config != null) {
            new JwtFilterFactory().validate(config, (path, message) ->
                    problems.add(path.isEmpty() ? message : path + ": " + message));
        }
        return problems;
    }

    /** @return the config, which must be valid */
    static JwtConfig valid(String yaml) {
        List<String> problems = problems(yaml);
        if (!problems.isEmpty()) {
            throw new AssertionError("invalid config " + problems + ":\n" + yaml);
        }
        return new RecordBinder().bind(new Yaml().load(yaml), JwtConfig.class, "", new ArrayList<>());
    }
}
