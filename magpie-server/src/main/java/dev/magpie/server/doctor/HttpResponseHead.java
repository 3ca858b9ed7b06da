package dev.magpie.server.doctor;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The status line and headers of an HTTP/1.1 response, read byte by byte up to the blank line so that nothing
 * after it (the first WebSocket frame) is consumed. At most 16 KiB are read.
 */
record HttpResponseHead(int status, String statusLine, List<String[]> headers) {

    static final int MAX_BYTES = 16 * 1024;

    /** Thrown when the bytes are not an HTTP response; carries the first of them for the report. */
    static final class NotHttpException extends IOException {
        NotHttpException(String start) {
            super(start);
        }
    }

    static HttpResponseHead read(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        while (!endsWithBlankLine(text)) {
            int b = in.read();
            if (b < 0) {
                if (text.length() == 0) {
                    throw new EOFException("closed before answering");
                }
                break;
            }
            text.append((char) b);
            if (text.length() == 5 && !text.toString().startsWith("HTTP/")) {
                throw new NotHttpException(printable(text.toString()));
            }
            if (text.length() > MAX_BYTES) {
                throw new IOException("the response headers are longer than " + MAX_BYTES + " bytes");
            }
        }
        List<String> lines = text.toString().lines().toList();
        String statusLine = lines.isEmpty() ? "" : lines.get(0);
        String[] parts = statusLine.split(" ", 3);
        int status;
        try {
            status = parts.length >= 2 ? Integer.parseInt(parts[1]) : -1;
        } catch (NumberFormatException e) {
            throw new NotHttpException(printable(statusLine));
        }
        List<String[]> headers = new ArrayList<>();
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.add(new String[]{line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).strip()});
            }
        }
        return new HttpResponseHead(status, statusLine, headers);
    }

    private static boolean endsWithBlankLine(StringBuilder text) {
        int n = text.length();
        return n >= 2 && text.charAt(n - 1) == '\n'
                && (text.charAt(n - 2) == '\n' || n >= 4 && text.charAt(n - 2) == '\r' && text.charAt(n - 3) == '\n');
    }

    /** The first value of a header, by case-insensitive name. */
    Optional<String> header(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        return headers.stream().filter(h -> h[0].equals(key)).map(h -> h[1]).findFirst();
    }

    /** Up to {@code max} bytes of a body with a Content-Length, as one line of text; empty when there is none. */
    String shortBody(InputStream in, int max) {
        int length;
        try {
            length = Integer.parseInt(header("content-length").orElse("0"));
        } catch (NumberFormatException e) {
            return "";
        }
        if (length <= 0 || length > max) {
            return "";
        }
        try {
            byte[] body = in.readNBytes(length);
            return printable(new String(body, StandardCharsets.UTF_8)).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            out.append(c == '\n' || c == '\r' || c == '\t' ? ' ' : c < 0x20 || c == 0x7f ? '.' : c);
        }
        return out.toString().strip();
    }
}
