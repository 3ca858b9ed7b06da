package dev.magpie.server.dashboard;

import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.WebSocketSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard as served by a real broker's ws listeners: every listed file with its content type and the
 * security headers, the redirect, revalidation, no way out of the fixed file list, and the listener rule
 * (plain HTTP only on a listener bound to loopback).
 */
class DashboardRouteTest {
    static Broker broker;

    @BeforeAll
    static void start() {
        DashboardRoute route = new DashboardRoute(DashboardFiles.load(), name -> !name.equals("other"), Set.of("local"));
        broker = Broker.builder()
                .listener(Listener.ws("127.0.0.1", 0).named("local").anonymous(true)
                        .withWebSocket(WebSocketSettings.defaults().withPaths("/mqtt")))
                .listener(Listener.ws("0.0.0.0", 0).named("open").anonymous(true))
                .listener(Listener.ws("127.0.0.1", 0).named("other").anonymous(true))
                .httpRoute(DashboardRoute.PATH, route).httpRoute(DashboardRoute.PREFIX, route)
                .build().start();
    }

    @AfterAll
    static void stop() {
        broker.stop();
    }

    @Test
    void theFileListNamesExactlyTheFilesOfTheResourceFolder() throws IOException {
        Path folder = Path.of("src/main/resources", DashboardFiles.RESOURCE_DIR);
        Set<String> onDisk;
        try (Stream<Path> walk = Files.walk(folder)) {
            onDisk = walk.filter(Files::isRegularFile).map(p -> folder.relativize(p).toString().replace('\\', '/'))
                    .filter(name -> !name.equals(DashboardFiles.INDEX)).collect(Collectors.toSet());
        }
        assertThat(DashboardFiles.load().names()).containsExactlyInAnyOrderElementsOf(onDisk);
    }

    @Test
    void everyFileIsServedWithItsTypeAndTheSecurityHeaders() throws IOException {
        for (String name : DashboardFiles.load().names()) {
            Answer a = get("local", "/dashboard/" + name);
            assertThat(a.status).as(name).isEqualTo(200);
            String ext = name.substring(name.lastIndexOf('.') + 1);
            String expected = switch (ext) {
                case "html" -> "text/html; charset=utf-8";
                case "css" -> "text/css; charset=utf-8";
                case "js" -> "text/javascript; charset=utf-8";
                case "svg" -> "image/svg+xml";
                default -> throw new AssertionError("a test case for ." + ext);
            };
            assertThat(a.header("content-type")).as(name).isEqualTo(expected);
            assertThat(a.header("content-security-policy")).as(name)
                    .startsWith("default-src 'self'; connect-src 'self' ws: wss:").contains("frame-ancestors 'none'");
            assertThat(a.header("x-frame-options")).isEqualTo("DENY");
            assertThat(a.header("x-content-type-options")).isEqualTo("nosniff");
            assertThat(a.header("cache-control")).isEqualTo("no-cache");
        }
    }

    @Test
    void theRootIsTheIndexPageAndTheBarePathRedirectsToIt() throws IOException {
        Answer root = get("local", "/dashboard/");
        assertThat(root.status).isEqualTo(200);
        assertThat(root.body).contains("<title>Magpie dashboard</title>").contains("js/app.js");
        Answer bare = get("local", "/dashboard");
        assertThat(bare.status).isEqualTo(308);
        assertThat(bare.header("location")).isEqualTo("/dashboard/");
    }

    @Test
    void anUnchangedFileIsAnswered304ForItsETag() throws IOException {
        Answer first = get("local", "/dashboard/css/app.css");
        String etag = first.header("etag");
        assertThat(etag).startsWith("\"").endsWith("\"");
        Answer again = request("local", "GET /dashboard/css/app.css HTTP/1.1\r\nHost: x\r\nIf-None-Match: " + etag + "\r\n");
        assertThat(again.status).isEqualTo(304);
        assertThat(again.body).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/dashboard/../dashboard/index.html", "/dashboard/js/../index.html", "/dashboard/%2e%2e/%2e%2e/etc/passwd",
            "/dashboard/..%2f..%2fetc%2fpasswd", "/dashboard/..%5c..%5cwindows", "/dashboard//index.html", "/dashboard/./index.html",
            "/dashboard/files.txt", "/dashboard/DashboardRoute.class", "/dashboard/js/", "/dashboard/index.html%00.js",
            "/dashboard/%2fetc%2fpasswd", "/dashboard/JS/APP.JS"})
    void nothingOutsideTheFileListIsServed(String path) throws IOException {
        Answer a = get("local", path);
        assertThat(a.status).as(path).isIn(400, 404);
        assertThat(a.body).doesNotContain("root:").doesNotContain("<script");
    }

    @Test
    void onlyGetAndHeadReadTheFiles() throws IOException {
        Answer post = request("local", "POST /dashboard/index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n");
        assertThat(post.status).isEqualTo(405);
        assertThat(post.header("allow")).isEqualTo("GET, HEAD");
        Answer head = request("local", "HEAD /dashboard/index.html HTTP/1.1\r\nHost: x\r\n");
        assertThat(head.status).isEqualTo(200);
    }

    @Test
    void plainHttpOnAListenerNotBoundToLoopbackIsRefused() throws IOException {
        Answer a = get("open", "/dashboard/");
        assertThat(a.status).isEqualTo(403);
        assertThat(a.body).contains("only served over HTTPS").doesNotContain("js/app.js");
        assertThat(a.header("content-security-policy")).startsWith("default-src 'self'");
    }

    @Test
    void aListenerThatDoesNotServeTheApiDoesNotServeTheDashboard() throws IOException {
        Answer a = get("other", "/dashboard/");
        assertThat(a.status).isEqualTo(404);
        assertThat(a.body).doesNotContain("js/app.js");
    }

    private static Answer get(String listener, String path) throws IOException {
        return request(listener, "GET " + path + " HTTP/1.1\r\nHost: x\r\n");
    }

    /** One request over a raw socket, so the request line reaches the broker exactly as written. */
    private static Answer request(String listener, String head) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", broker.port(listener))) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((head + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int split = raw.indexOf("\r\n\r\n");
            String headers = raw.substring(0, split);
            return new Answer(Integer.parseInt(headers.split(" ")[1]), headers, raw.substring(split + 4));
        }
    }

    private record Answer(int status, String headers, String body) {
        String header(String name) {
            for (String line : headers.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).strip();
                }
            }
            return null;
        }
    }
}
