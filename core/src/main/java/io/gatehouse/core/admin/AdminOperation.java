package io.gatehouse.core.admin;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One core endpoint of the admin API: a method, a path template ({@code /routes/{id}}: a {@code {name}} stands for
 * one path segment, percent-decoded) and what answers it. {@code GET} needs any token; every other method a
 * read-write one.
 *
 * @param method   the HTTP method
 * @param template the path template
 * @param handler  what answers
 */
public record AdminOperation(String method, String template, Handler handler) {

    /** @return whether the operation changes something (needs a read-write token) */
    public boolean write() {
        return !method.equals("GET");
    }

    /**
     * @param rawPath the request's path as sent (percent-encoded)
     * @return the template's parameters when the path matches, else {@code null}
     * @throws IllegalArgumentException when a parameter's percent-encoding is malformed
     */
    public Map<String, String> match(String rawPath) {
        String[] want = template.split("/", -1);
        String[] got = rawPath.split("/", -1);
        if (want.length != got.length) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < want.length; i++) {
            if (want[i].startsWith("{") && want[i].endsWith("}")) {
                if (got[i].isEmpty()) {
                    return null;
                }
                params.put(want[i].substring(1, want[i].length() - 1),
                        URLDecoder.decode(got[i].replace("+", "%2B"), StandardCharsets.UTF_8));
            } else if (!want[i].equals(got[i])) {
                return null;
            }
        }
        return params;
    }

    /** Answers an admin request. */
    @FunctionalInterface
    public interface Handler {
        /**
         * @return the answer; a handler does not throw for bad input, it answers with a problem
         */
        AdminReply handle(AdminRequest request);
    }
}
