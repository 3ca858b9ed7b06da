package dev.magpie.security.scram;

import java.text.Normalizer;
import java.util.Optional;

/**
 * SASLprep (RFC 4013), the preparation SCRAM applies to passwords before hashing them (RFC 5802 section 2.2,
 * "Normalize"), so that the same password typed with different Unicode spellings gives the same key. The
 * steps: non-ASCII spaces become SPACE and "commonly mapped to nothing" characters are removed (RFC 3454
 * tables C.1.2 and B.1); NFKC normalization; prohibited output refused (controls, private use, non-characters,
 * surrogates, characters inappropriate for plain text or canonical representation, display-changing and
 * tagging characters: tables C.2 to C.9); unassigned code points refused (the "stored strings" rule, judged by
 * this JDK's Unicode tables); the bidirectional rule of RFC 3454 section 6.
 */
public final class SaslPrep {
    private SaslPrep() {
    }

    /** The prepared string, or empty if {@code input} contains what SASLprep prohibits. */
    public static Optional<String> prepare(String input) {
        StringBuilder mapped = new StringBuilder(input.length());
        for (int i = 0; i < input.length(); ) {
            int cp = input.codePointAt(i);
            i += Character.charCount(cp);
            if (isNonAsciiSpace(cp)) {
                mapped.append(' ');
            } else if (!isMappedToNothing(cp)) {
                mapped.appendCodePoint(cp);
            }
        }
        String normalized = Normalizer.normalize(mapped, Normalizer.Form.NFKC);
        boolean hasRandAL = false;
        boolean hasL = false;
        for (int i = 0; i < normalized.length(); ) {
            int cp = normalized.codePointAt(i);
            i += Character.charCount(cp);
            if (isProhibited(cp) || !Character.isDefined(cp)) {
                return Optional.empty();
            }
            byte direction = Character.getDirectionality(cp);
            hasRandAL |= direction == Character.DIRECTIONALITY_RIGHT_TO_LEFT || direction == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
            hasL |= direction == Character.DIRECTIONALITY_LEFT_TO_RIGHT;
        }
        if (hasRandAL && (hasL || !isRandAL(normalized.codePointAt(0))
                || !isRandAL(normalized.codePointBefore(normalized.length())))) {
            return Optional.empty(); // RFC 3454 section 6: right-to-left text must not mix with left-to-right
        }
        return Optional.of(normalized);
    }

    private static boolean isRandAL(int cp) {
        byte d = Character.getDirectionality(cp);
        return d == Character.DIRECTIONALITY_RIGHT_TO_LEFT || d == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
    }

    /** RFC 3454 C.1.2. */
    private static boolean isNonAsciiSpace(int cp) {
        return cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F || cp == 0x3000;
    }

    /** RFC 3454 B.1. */
    private static boolean isMappedToNothing(int cp) {
        return cp == 0x00AD || cp == 0x034F || cp == 0x1806 || (cp >= 0x180B && cp <= 0x180D) || (cp >= 0x200B && cp <= 0x200D)
                || cp == 0x2060 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF;
    }

    /** RFC 3454 C.1.2 and C.2.1 to C.9, as RFC 4013 section 2.3 lists them. */
    private static boolean isProhibited(int cp) {
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
            return true; // C.2.1, C.2.2 controls
        }
        if (isNonAsciiSpace(cp)) {
            return true; // C.1.2
        }
        int type = Character.getType(cp);
        if (type == Character.PRIVATE_USE || type == Character.SURROGATE) {
            return true; // C.3, C.5
        }
        if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) {
            return true; // C.4 non-characters
        }
        return cp == 0x06DD || cp == 0x070F || cp == 0x180E || cp == 0x200C || cp == 0x200D || cp == 0x2028 || cp == 0x2029
                || (cp >= 0x2060 && cp <= 0x2063) || (cp >= 0x206A && cp <= 0x206F) || cp == 0xFEFF
                || (cp >= 0xFFF9 && cp <= 0xFFFD) || (cp >= 0x1D173 && cp <= 0x1D17A)  // C.2.2, C.6
                || (cp >= 0x2FF0 && cp <= 0x2FFB)                                       // C.7
                || cp == 0x0340 || cp == 0x0341 || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) // C.8
                || cp == 0xE0001 || (cp >= 0xE0020 && cp <= 0xE007F);                  // C.9
    }
}
