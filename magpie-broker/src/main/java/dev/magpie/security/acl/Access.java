package dev.magpie.security.acl;

/** What a rule grants on the topics its filter covers; {@link #DENY} refuses every action and wins over any grant. */
public enum Access {
    READ, WRITE, READWRITE, DENY;

    /** True if this access grants {@code action}; {@link #DENY} grants nothing. */
    public boolean grants(Action action) {
        return switch (this) {
            case READ -> action != Action.PUBLISH;
            case WRITE -> action == Action.PUBLISH;
            case READWRITE -> true;
            case DENY -> false;
        };
    }

    /** The keyword used in ACL files: {@code read}, {@code write}, {@code readwrite}, {@code deny}. */
    public String keyword() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
