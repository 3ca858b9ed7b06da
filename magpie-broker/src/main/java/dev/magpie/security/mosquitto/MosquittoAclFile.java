package dev.magpie.security.mosquitto;

import dev.magpie.security.acl.Access;
import dev.magpie.security.acl.AclAuthorizer;
import dev.magpie.security.acl.AclRule;
import dev.magpie.security.acl.InvalidRuleException;
import dev.magpie.security.acl.RuleSubject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a mosquitto ACL file into {@link AclRule}s, keeping mosquitto's meaning:
 * <pre>
 * # comment
 * topic [read|write|readwrite|deny] &lt;topic&gt;     before any 'user' line: anonymous clients only
 * user &lt;name&gt;                                     the following 'topic' lines are for this user
 * topic [read|write|readwrite|deny] &lt;topic&gt;     for the current user
 * pattern [read|write|readwrite|deny] &lt;topic&gt;   for every client, wherever it stands; %u and %c
 * </pre>
 * The access word may be left out (then {@code readwrite}); the topic is the rest of the line and may
 * contain spaces; blanks around it and around the user name are trimmed. A {@code pattern} line without
 * placeholders is how a rule for every client is written ({@code pattern readwrite /public/#}).
 *
 * <p>One extension, which mosquitto rejects as an unknown access type: {@code literal} before the access
 * word ({@code topic literal read #}) makes a literal-filter rule (see {@link AclRule}).
 *
 * <p>Anything else - an unknown keyword, an unknown access word, a missing topic or user name, a filter
 * with a misplaced wildcard, a placeholder that does not fill a level - stops loading with a
 * {@link MosquittoFileException} naming the file and line. Rules carry {@code file:line} as their source
 * for {@link AclAuthorizer#explain}. An empty file gives no rules, so everything is denied.
 */
public final class MosquittoAclFile {
    private MosquittoAclFile() {
    }

    /** An authorizer over the rules in {@code file} that denies what they do not allow. */
    public static AclAuthorizer load(Path file) throws IOException {
        return AclAuthorizer.of(read(file));
    }

    /** The rules in {@code file}, in file order. */
    public static List<AclRule> read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** As {@link #read}, from text; {@code sourceName} names it in errors and rule sources. */
    public static List<AclRule> parse(String content, String sourceName) throws MosquittoFileException {
        List<AclRule> rules = new ArrayList<>();
        String user = null;
        int number = 0;
        for (String raw : Lines.of(content)) {
            number++;
            if (Lines.ignorable(raw)) {
                continue;
            }
            String line = raw.strip();
            String keyword = firstWord(line);
            String rest = line.substring(keyword.length()).strip();
            switch (keyword) {
                case "user" -> {
                    if (rest.isEmpty()) {
                        throw new MosquittoFileException(sourceName, number, "'user' needs a user name");
                    }
                    user = rest;
                }
                case "topic", "pattern" -> {
                    boolean pattern = keyword.equals("pattern");
                    RuleSubject subject = pattern ? RuleSubject.everyone()
                            : user == null ? RuleSubject.anonymous() : RuleSubject.user(user);
                    rules.add(rule(rest, pattern, subject, sourceName, number));
                }
                default -> throw new MosquittoFileException(sourceName, number,
                        "unknown keyword '" + keyword + "'; a line starts with 'user', 'topic' or 'pattern' (or '#' for a comment)");
            }
        }
        return List.copyOf(rules);
    }

    private static AclRule rule(String rest, boolean pattern, RuleSubject subject, String sourceName, int number)
            throws MosquittoFileException {
        String keyword = pattern ? "pattern" : "topic";
        if (rest.isEmpty()) {
            throw new MosquittoFileException(sourceName, number, "'" + keyword + "' needs a topic filter");
        }
        String first = firstWord(rest);
        String afterFirst = rest.substring(first.length()).strip();
        boolean literal = false;
        Access access;
        String filter;
        if (afterFirst.isEmpty()) {
            // one word: it is the topic, with read and write access (mosquitto's reading)
            access = Access.READWRITE;
            filter = first;
        } else {
            String accessWord = first;
            String remainder = afterFirst;
            if (first.equals("literal")) {
                literal = true;
                accessWord = firstWord(afterFirst);
                remainder = afterFirst.substring(accessWord.length()).strip();
                if (remainder.isEmpty()) {
                    throw new MosquittoFileException(sourceName, number,
                            "'" + keyword + " literal' needs an access (read, readwrite or deny) and a topic filter");
                }
            }
            access = access(accessWord, sourceName, number);
            filter = remainder;
        }
        try {
            AclRule rule = pattern ? AclRule.pattern(access, filter) : AclRule.topic(access, filter);
            rule = rule.forSubject(subject).from(sourceName + ":" + number);
            return literal ? rule.asLiteral() : rule;
        } catch (InvalidRuleException e) {
            throw new MosquittoFileException(sourceName, number, e.getMessage());
        }
    }

    private static Access access(String word, String sourceName, int number) throws MosquittoFileException {
        return switch (word) {
            case "read" -> Access.READ;
            case "write" -> Access.WRITE;
            case "readwrite" -> Access.READWRITE;
            case "deny" -> Access.DENY;
            default -> throw new MosquittoFileException(sourceName, number,
                    "unknown access '" + word + "'; use read, write, readwrite or deny");
        };
    }

    private static String firstWord(String s) {
        int end = 0;
        while (end < s.length() && !Lines.isBlank(s.charAt(end))) {
            end++;
        }
        return s.substring(0, end);
    }
}
