package io.gatehouse.core.admin;

import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.config.ConfigLoader;
import io.gatehouse.core.config.Problem;
import io.gatehouse.core.config.ConfigPath;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * {@code GET /config}: the serving config as loaded (after {@code ${VAR}} substitution), with secrets replaced by
 * {@value #REDACTED}:
 * <ul>
 *   <li>every value that came from the environment (a scalar that held a <code>${...}</code> reference);
 *   <li>every value whose key names a secret: {@code *secret*}, {@code *token*}, {@code *password*},
 *       {@code *passwd*}, {@code *credential*}, {@code *api_key*}/{@code *apikey*}, {@code *private_key*},
 *       {@code *authorization*}, and {@code hash}/{@code *_hash} (hashes of API keys and passwords can be
 *       brute-forced offline when the key is weak). A list under such a key is redacted item by item; in a map
 *       under it, each value is judged by its own key (so an admin token's {@code name} shows, its {@code token}
 *       does not);
 *   <li>the password of a URL ({@code scheme://user:password@host}).
 * </ul>
 */
public final class ConfigView {

    /** What stands for a redacted value. */
    public static final String REDACTED = "<redacted>";
    private static final Pattern SECRET_KEY = Pattern.compile(".*(secret|token|password|passwd|credential|api_?key"
            + "|private_?key|access_?key|authorization|cookie|session).*|hash|.*_hash|.*_key");
    /** The user info of a URL ({@code scheme://user:password@}), wherever it stands in a text. */
    private static final Pattern URL_USERINFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s]*@");

    private final Supplier<String> text;
    private final String source;
    private final Map<String, String> env;

    /**
     * @param text   the serving config's text
     * @param source its file name
     * @param env    the environment it was substituted with
     */
    public ConfigView(Supplier<String> text, String source, Map<String, String> env) {
        this.text = text;
        this.source = source;
        this.env = env;
    }

    /** @return the redacted config tree */
    public Object redacted() {
        ConfigLoader.SubstitutedTree tree;
        try {
            tree = ConfigLoader.substitutedTree(text.get(), source, env);
        } catch (ConfigException e) {
            return null; // the serving config was read from this text: cannot happen
        }
        return redact(tree.tree(), "", false, tree.substituted());
    }

    /** @return whether a config key names a secret */
    public static boolean secretKey(String key) {
        // header names are spelled with '-' (X-API-Key, X-Auth-Key): compare them like config keys
        return SECRET_KEY.matcher(key.toLowerCase(Locale.ROOT).replace('-', '_')).matches();
    }

    /** @return {@code problems} redacted (see {@link #problemRedactor()}) */
    public List<Problem> redact(List<Problem> problems) {
        return problemRedactor().apply(problems);
    }

    /**
     * Redacts what a config problem's text may repeat of a secret: a URL's user info, and the value of every
     * environment variable the config file refers to (a problem quotes the value after substitution). The values
     * are looked up once, at the first list with a problem: take one redactor for all the problems of one answer.
     *
     * @return a function from problems (of the serving config or of a refused one) to the same, redacted
     */
    public java.util.function.UnaryOperator<List<Problem>> problemRedactor() {
        List<String> values = new java.util.ArrayList<>();
        boolean[] known = {false};
        return problems -> {
            if (problems.isEmpty()) {
                return problems;
            }
            if (!known[0]) {
                known[0] = true;
                for (String name : ConfigLoader.envReferences(referencingText())) {
                    String value = env.get(name);
                    if (value != null && value.length() >= 4) {
                        values.add(value);
                    }
                }
                values.sort(java.util.Comparator.comparingInt(String::length).reversed());
            }
            return problems.stream().map(problem -> {
                String message = URL_USERINFO.matcher(problem.message()).replaceAll("$1" + REDACTED + "@");
                for (String value : values) {
                    message = message.replace(value, REDACTED);
                }
                return new Problem(problem.path(), message);
            }).toList();
        };
    }

    /** @return the serving config's text and the file's, which a refused reload was read from */
    private String referencingText() {
        String serving = text.get();
        try {
            return serving + "\n" + java.nio.file.Files.readString(java.nio.file.Path.of(source));
        } catch (java.io.IOException | RuntimeException e) {
            return serving;
        }
    }

    private static Object redact(Object node, String path, boolean secret, Set<String> substituted) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((key, value) -> {
                String name = String.valueOf(key);
                out.put(name, redact(value, ConfigPath.key(path, name), secretKey(name), substituted));
            });
            return out;
        }
        if (node instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                out.add(redact(list.get(i), ConfigPath.index(path, i), secret, substituted));
            }
            return out;
        }
        if (node == null) {
            return null;
        }
        if (secret || substituted.contains(path)) {
            return REDACTED;
        }
        return node instanceof String s ? URL_USERINFO.matcher(s).replaceAll("$1" + REDACTED + "@") : node;
    }
}
