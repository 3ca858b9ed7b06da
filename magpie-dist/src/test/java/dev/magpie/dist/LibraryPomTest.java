package dev.magpie.dist;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Maven Central requires of the POMs of the libraries ({@code magpie-broker}, {@code magpie-cluster-redis}) and
 * of the parent they inherit from: name, description, url, licence, scm and developers, and a release profile that
 * attaches sources and javadoc jars and signs only when a key is named. The release build itself
 * ({@code mvn -Prelease verify}) is not part of {@code mvn verify}: it runs javadoc, which takes a minute.
 */
class LibraryPomTest {
    private static final Path REPO = Path.of(System.getProperty("magpie.repo.root", ".."));

    @Test
    void theParentCarriesTheMetadataCentralRequires() throws Exception {
        Element parent = pom(REPO.resolve("pom.xml"));

        assertThat(text(parent, "url")).isNotBlank();
        assertThat(text(parent, "description")).isNotBlank();
        assertThat(text(child(parent, "licenses"), "name")).isEqualTo("Apache-2.0");
        assertThat(text(child(parent, "scm"), "connection")).startsWith("scm:git:");
        assertThat(text(child(parent, "scm"), "url")).isNotBlank();
        assertThat(text(child(parent, "developers"), "name")).isNotBlank();
        // url and scm are not extended with each module's name (Maven's default for inherited urls)
        assertThat(parent.getAttribute("child.project.url.inherit.append.path")).isEqualTo("false");
        assertThat(child(parent, "scm").getAttribute("child.scm.url.inherit.append.path")).isEqualTo("false");
    }

    @Test
    void theLibrariesHaveANameAndADescriptionOfTheirOwn() throws Exception {
        for (String module : List.of("magpie-broker", "magpie-cluster-redis")) {
            Element pom = pom(REPO.resolve(module).resolve("pom.xml"));
            assertThat(text(pom, "name")).as(module).isNotBlank();
            assertThat(text(pom, "description")).as(module).isNotBlank();
        }
    }

    @Test
    void theReleaseProfileAttachesSourcesAndJavadocAndSignsOnlyWithAKey() throws Exception {
        Element parent = pom(REPO.resolve("pom.xml"));
        Element release = profile(parent, "release");
        List<String> plugins = new ArrayList<>();
        NodeList ids = release.getElementsByTagName("artifactId");
        for (int i = 0; i < ids.getLength(); i++) {
            plugins.add(ids.item(i).getTextContent().trim());
        }

        assertThat(plugins).contains("maven-source-plugin", "maven-javadoc-plugin", "maven-gpg-plugin", "maven-enforcer-plugin");
        assertThat(text(release, "doclint")).startsWith("all");
        assertThat(text(child(parent, "properties"), "gpg.skip")).isEqualTo("true");
        assertThat(text(profile(parent, "release-signing"), "name")).isEqualTo("gpg.keyname");
    }

    private static Element pom(Path file) throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        return doc.getDocumentElement();
    }

    /** The first direct child element called {@code name}. */
    private static Element child(Element parent, String name) {
        for (var n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("no <" + name + "> in <" + parent.getTagName() + ">");
    }

    /** The text of the first element called {@code name} at any depth below {@code parent}. */
    private static String text(Element parent, String name) {
        NodeList found = parent.getElementsByTagName(name);
        return found.getLength() == 0 ? "" : found.item(0).getTextContent().trim();
    }

    private static Element profile(Element pom, String id) {
        NodeList profiles = child(pom, "profiles").getElementsByTagName("profile");
        for (int i = 0; i < profiles.getLength(); i++) {
            Element p = (Element) profiles.item(i);
            if (text(p, "id").equals(id)) {
                return p;
            }
        }
        throw new AssertionError("no profile " + id);
    }
}
