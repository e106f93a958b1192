package io.gatehouse.core.admin;

import io.gatehouse.core.Gateway;
import io.gatehouse.core.config.Problem;

import java.util.List;

/**
 * The outcome of an admin API change of the config.
 *
 * @param status   the HTTP status to answer: 200 or 201 when applied, 4xx/5xx when refused
 * @param code     the problem code when refused, else {@code null}
 * @param detail   what went wrong, for humans, when refused
 * @param problems every config problem when the changed config was refused; may be empty
 * @param reload   the reload outcome when the edited config was built (applied or refused), else {@code null}
 * @param edited   the edit, when it could be made
 */
public record ConfigChange(int status, String code, String detail, List<Problem> problems,
                           Gateway.ReloadStatus reload, ConfigEdit.Edited edited) {
    public ConfigChange {
        problems = List.copyOf(problems);
    }

    /** A change refused before any config was built. */
    public static ConfigChange refused(int status, String code, String detail) {
        return refused(status, code, detail, List.of());
    }

    /** A change refused before any config was built, with the problems that explain it. */
    public static ConfigChange refused(int status, String code, String detail, List<Problem> problems) {
        return new ConfigChange(status, code, detail, problems, null, null);
    }

    /** A change whose config was built: applied, or refused with its problems (400). */
    public static ConfigChange done(Gateway.ReloadStatus reload, ConfigEdit.Edited edited) {
        if (reload.applied()) {
            return new ConfigChange(edited.created() ? 201 : 200, null, null, List.of(), reload, edited);
        }
        return new ConfigChange(400, "invalid_config", "the changed config is invalid (" + reload.problems().size()
                + " problem(s)); nothing was changed", reload.problems(), reload, edited);
    }

    /** @return whether the change is serving and written to the file */
    public boolean applied() {
        return code == null;
    }
}
