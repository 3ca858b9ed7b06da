package dev.magpie.security.scram;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Strict readers for the two client messages of SCRAM (RFC 5802 section 7), and the writer of the server's
 * first message. Anything the grammar does not allow is a {@link MalformedScramException} naming what is
 * wrong; nothing here throws anything else on client input.
 */
final class ScramMessages {
    /** Longer client messages are refused before parsing: real ones are a few hundred bytes. */
    static final int MAX_MESSAGE_BYTES = 4096;

    private ScramMessages() {
    }

    /** A parsed client-first-message: the GS2 header as sent, the user name (unescaped), the nonce, the bare part. */
    record ClientFirst(String gs2Header, String username, String nonce, String bare) {
    }

    /** A parsed client-final-message. */
    record ClientFinal(byte[] channelBinding, String nonce, byte[] proof, String withoutProof) {
    }

    /** Why a client message was refused. */
    static final class MalformedScramException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedScramException(String message) {
            super(message, null, false, false); // an expected condition: no stack trace
        }
    }

    /**
     * {@code gs2-header client-first-message-bare}. Channel binding ({@code p=}) is refused: Magpie offers no
     * SCRAM-SHA-256-PLUS, so only {@code n} (client does not support it) and {@code y} (client does, but believes
     * the server does not) make sense. An authorization identity other than the user name is refused.
     */
    static ClientFirst clientFirst(byte[] data) throws MalformedScramException {
        String text = utf8(data, "client-first-message");
        if (text.startsWith("p=")) {
            throw new MalformedScramException("channel binding (gs2 flag 'p') is not supported");
        }
        if (!text.startsWith("n,") && !text.startsWith("y,")) {
            throw new MalformedScramException("client-first-message must start with the gs2 flag 'n' or 'y'");
        }
        int authzEnd = text.indexOf(',', 2);
        if (authzEnd < 0) {
            throw new MalformedScramException("client-first-message has no end to its gs2 header");
        }
        String authzid = text.substring(2, authzEnd);
        if (!authzid.isEmpty() && !authzid.startsWith("a=")) {
            throw new MalformedScramException("the gs2 header's authorization identity must start with 'a='");
        }
        String gs2Header = text.substring(0, authzEnd + 1);
        String bare = text.substring(authzEnd + 1);
        List<String> attributes = attributes(bare, "client-first-message-bare");
        if (attributes.get(0).startsWith("m=")) {
            throw new MalformedScramException("mandatory extension 'm' is not supported");
        }
        if (attributes.size() < 2 || !attributes.get(0).startsWith("n=") || !attributes.get(1).startsWith("r=")) {
            throw new MalformedScramException("client-first-message-bare must be n=<user>,r=<nonce>[,extensions]");
        }
        String username = saslName(attributes.get(0).substring(2));
        if (username.isEmpty()) {
            throw new MalformedScramException("the user name is empty");
        }
        if (!authzid.isEmpty() && !saslName(authzid.substring(2)).equals(username)) {
            throw new MalformedScramException("an authorization identity other than the user name is not supported");
        }
        String nonce = nonce(attributes.get(1).substring(2));
        extensions(attributes.subList(2, attributes.size()));
        return new ClientFirst(gs2Header, username, nonce, bare);
    }

    /** {@code c=<binding>,r=<nonce>[,extensions],p=<proof>}. */
    static ClientFinal clientFinal(byte[] data) throws MalformedScramException {
        String text = utf8(data, "client-final-message");
        List<String> attributes = attributes(text, "client-final-message");
        if (attributes.size() < 3 || !attributes.get(0).startsWith("c=") || !attributes.get(1).startsWith("r=")
                || !attributes.get(attributes.size() - 1).startsWith("p=")) {
            throw new MalformedScramException("client-final-message must be c=<binding>,r=<nonce>[,extensions],p=<proof>");
        }
        byte[] binding = base64(attributes.get(0).substring(2), "channel binding");
        String nonce = nonce(attributes.get(1).substring(2));
        extensions(attributes.subList(2, attributes.size() - 1));
        byte[] proof = base64(attributes.get(attributes.size() - 1).substring(2), "proof");
        if (proof.length != ScramSha256.KEY_BYTES) {
            throw new MalformedScramException("the proof must be " + ScramSha256.KEY_BYTES + " bytes, was " + proof.length);
        }
        String withoutProof = text.substring(0, text.lastIndexOf(",p="));
        return new ClientFinal(binding, nonce, proof, withoutProof);
    }

    /** {@code r=<nonce>,s=<salt>,i=<iterations>}. */
    static String serverFirst(String nonce, byte[] salt, int iterations) {
        return "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(salt) + ",i=" + iterations;
    }

    private static String utf8(byte[] data, String what) throws MalformedScramException {
        if (data.length == 0) {
            throw new MalformedScramException("no " + what + " (empty Authentication Data)");
        }
        if (data.length > MAX_MESSAGE_BYTES) {
            throw new MalformedScramException(what + " of " + data.length + " bytes is longer than " + MAX_MESSAGE_BYTES);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedScramException(what + " is not UTF-8");
        }
    }

    /** Comma-separated {@code x=value} attributes, each with a letter name and at least one value character. */
    private static List<String> attributes(String text, String what) throws MalformedScramException {
        List<String> parts = List.of(text.split(",", -1));
        for (String p : parts) {
            if (p.length() < 3 || p.charAt(1) != '=' || !isAsciiLetter(p.charAt(0))) {
                throw new MalformedScramException(what + " has a malformed attribute '" + abbreviate(p) + "'");
            }
            if (p.indexOf('\0') >= 0) {
                throw new MalformedScramException(what + " contains a NUL character");
            }
        }
        return parts;
    }

    private static void extensions(List<String> attributes) throws MalformedScramException {
        for (String a : attributes) {
            if (a.startsWith("p=") || a.startsWith("r=") || a.startsWith("n=") || a.startsWith("c=")) {
                throw new MalformedScramException("attribute '" + a.charAt(0) + "' is out of place");
            }
        }
    }

    /** A saslname: {@code =2C} stands for ',' and {@code =3D} for '='; any other '=' is malformed. */
    private static String saslName(String escaped) throws MalformedScramException {
        StringBuilder out = new StringBuilder(escaped.length());
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c != '=') {
                out.append(c);
            } else if (escaped.startsWith("=2C", i)) {
                out.append(',');
                i += 2;
            } else if (escaped.startsWith("=3D", i)) {
                out.append('=');
                i += 2;
            } else {
                throw new MalformedScramException("the user name has an '=' that is not =2C or =3D");
            }
        }
        return out.toString();
    }

    /** Printable ASCII except ',' (RFC 5802 "printable"); at most 512 characters. */
    private static String nonce(String nonce) throws MalformedScramException {
        if (nonce.length() > 512) {
            throw new MalformedScramException("the nonce is longer than 512 characters");
        }
        for (int i = 0; i < nonce.length(); i++) {
            char c = nonce.charAt(i);
            if (c < 0x21 || c > 0x7E || c == ',') {
                throw new MalformedScramException("the nonce has a character that is not printable ASCII");
            }
        }
        return nonce;
    }

    private static byte[] base64(String text, String what) throws MalformedScramException {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new MalformedScramException("the " + what + " is not Base64");
        }
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static String abbreviate(String s) {
        return s.length() <= 20 ? s : s.substring(0, 20) + "...";
    }
}
