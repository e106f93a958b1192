package io.gatehouse.api;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * gatehouse-plugin-parent has no parent (a plugin must inherit nothing of Gatehouse's build), so it spells out the
 * two versions a plugin's build takes from it: they must be this build's.
 */
class PluginParentPomTest {

    private static final Path ROOT = Path.of("..");

    @Test
    void itsVersionsAreThisBuilds() throws IOException {
        String parent = Files.readString(ROOT.resolve("plugin-parent/pom.xml"));
        String root = Files.readString(ROOT.resolve("pom.xml"));
        assertEquals(GatehouseApi.VERSION, element(parent, "gatehouse.api.version"), "the plugin-API version");
        assertEquals(element(root, "version"), element(parent, "version"), "the Maven version");
        assertEquals(element(root, "version"), element(parent, "gatehouse.version"), "plugin-api's Maven version");
        assertEquals(element(root, "pf4j.version"), element(parent, "pf4j.version"), "PF4J");
    }

    /** @return the text of the first element with this name after the POM's parent-less header */
    private static String element(String pom, String name) {
        Matcher matcher = Pattern.compile("<" + Pattern.quote(name) + ">([^<]*)</" + Pattern.quote(name) + ">")
                .matcher(pom.substring(pom.indexOf("<artifactId>")));
        return matcher.find() ? matcher.group(1) : null;
    }
}
