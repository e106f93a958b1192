package io.gatehouse.core.admin;

/**
 * One admin API change of the config file's text (put or delete a route or an upstream), run by
 * {@link io.gatehouse.core.Gateway#change} under the reload lock.
 */
public interface ConfigEdit {

    /** @return the audit log's action: {@code put_route}, {@code delete_route}, ... */
    String action();

    /** @return what is changed: the route id or the upstream name */
    String target();

    /**
     * @param text the config file's text, which is serving
     * @return the edited text, or a refusal
     */
    Edited apply(String text);

    /**
     * An edit's result.
     *
     * @param text    the edited text; {@code null} when refused
     * @param before  the digest of the entry before, {@code null} when it was new
     * @param after   the digest of the entry after, {@code null} when it was deleted
     * @param created whether the entry is new
     * @param refusal why the edit cannot be made (no such route, upstream in use, bad body); {@code null} if it
     *                can
     */
    record Edited(String text, String before, String after, boolean created, ConfigChange refusal) {

        static Edited refused(ConfigChange refusal) {
            return new Edited(null, null, null, false, refusal);
        }
    }
}
