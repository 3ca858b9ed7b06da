package dev.magpie.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random but valid packets for round-trip tests: every field within what the spec allows for the
 * version and direction, so that decode(encode(p)) must give p back.
 */
final class RandomPackets {
    private static final String[] WORDS = {"a", "b", "sensor", "temp", "\u00e9t\u00e9", "\u20ac", "\ud83d\ude00", "x y", "$SYS", "1"};

    private final Random random;

    RandomPackets(long seed) {
        this.random = new Random(seed);
    }

    /** The packet types a client sends (toServer) or a server sends, in {@code version}. */
    static List<PacketType> types(MqttVersion version, boolean toServer) {
        List<PacketType> types = new ArrayList<>();
        for (PacketType t : PacketType.values()) {
            boolean clientOnly = t == PacketType.CONNECT || t == PacketType.SUBSCRIBE || t == PacketType.UNSUBSCRIBE
                    || t == PacketType.PINGREQ;
            boolean serverOnly = t == PacketType.CONNACK || t == PacketType.SUBACK || t == PacketType.UNSUBACK
                    || t == PacketType.PINGRESP;
            if ((toServer && serverOnly) || (!toServer && clientOnly) || (t == PacketType.AUTH && !version.isV5())) {
                continue;
            }
            types.add(t);
        }
        return types;
    }

    MqttPacket any(MqttVersion v, boolean toServer) {
        List<PacketType> types = types(v, toServer);
        return of(types.get(random.nextInt(types.size())), v, toServer);
    }

    MqttPacket of(PacketType type, MqttVersion v, boolean toServer) {
        boolean v5 = v.isV5();
        return switch (type) {
            case CONNECT -> connect(v);
            case CONNACK -> {
                int code = v5 ? reasonCode(PacketType.CONNACK) : pick(0x00, 0x84, 0x85, 0x88, 0x86, 0x87);
                boolean present = code == 0 && v != MqttVersion.V3_1 && random.nextBoolean();
                yield new ConnAck(present, code, properties(PacketType.CONNACK.code(), v, toServer));
            }
            case PUBLISH -> publish(v, toServer);
            case PUBACK, PUBREC, PUBREL, PUBCOMP -> new PubResponse(type, packetId(),
                    v5 ? reasonCode(type) : 0, properties(type.code(), v, toServer));
            case SUBSCRIBE -> {
                List<Subscribe.Subscription> subs = new ArrayList<>();
                for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
                    String filter = filter();
                    subs.add(v5 ? new Subscribe.Subscription(filter, random.nextInt(3),
                            !TopicSyntax.isShared(filter) && random.nextBoolean(), random.nextBoolean(), random.nextInt(3))
                            : Subscribe.Subscription.of(filter, random.nextInt(3)));
                }
                yield new Subscribe(packetId(), subs, properties(PacketType.SUBSCRIBE.code(), v, toServer));
            }
            case SUBACK -> {
                List<Integer> codes = new ArrayList<>();
                for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
                    codes.add(v5 ? reasonCode(PacketType.SUBACK) : pick(0, 1, 2, 0x80));
                }
                yield new SubAck(packetId(), codes, properties(PacketType.SUBACK.code(), v, toServer));
            }
            case UNSUBSCRIBE -> {
                List<String> filters = new ArrayList<>();
                for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
                    filters.add(filter());
                }
                yield new Unsubscribe(packetId(), filters, properties(PacketType.UNSUBSCRIBE.code(), v, toServer));
            }
            case UNSUBACK -> {
                List<Integer> codes = new ArrayList<>();
                for (int i = 0, n = v5 ? 1 + random.nextInt(4) : 0; i < n; i++) {
                    codes.add(reasonCode(PacketType.UNSUBACK));
                }
                yield new UnsubAck(packetId(), codes, properties(PacketType.UNSUBACK.code(), v, toServer));
            }
            case PINGREQ -> PingReq.INSTANCE;
            case PINGRESP -> PingResp.INSTANCE;
            case DISCONNECT -> new Disconnect(v5 ? reasonCode(PacketType.DISCONNECT) : 0,
                    properties(PacketType.DISCONNECT.code(), v, toServer));
            case AUTH -> new Auth(reasonCode(PacketType.AUTH), properties(PacketType.AUTH.code(), v, toServer));
        };
    }

    Connect connect(MqttVersion v) {
        Connect.Will will = null;
        if (random.nextBoolean()) {
            will = new Connect.Will(topic(), bytes(random.nextInt(20)), random.nextInt(3), random.nextBoolean(),
                    properties(PropertiesReader.WILL, v, true));
        }
        String username = random.nextBoolean() ? string() : null;
        byte[] password = (username != null || v.isV5()) && random.nextBoolean() ? bytes(random.nextInt(10)) : null;
        return new Connect(v, random.nextBoolean() ? "" : string(), random.nextBoolean(), random.nextInt(65_536),
                username, password, will, properties(PacketType.CONNECT.code(), v, true));
    }

    Publish publish(MqttVersion v, boolean toServer) {
        int qos = random.nextInt(3);
        MqttProperties properties = properties(PacketType.PUBLISH.code(), v, toServer);
        String topic = properties.has(PropertyId.TOPIC_ALIAS) && random.nextBoolean() ? "" : topic();
        int size = random.nextInt(10) == 0 ? random.nextInt(70_000) : random.nextInt(50);
        return new Publish(topic, qos, random.nextBoolean(), qos > 0 && random.nextBoolean(), qos > 0 ? packetId() : 0,
                bytes(size), properties);
    }

    /** A property set valid in {@code context}; EMPTY before 5.0. */
    MqttProperties properties(int context, MqttVersion v, boolean toServer) {
        if (!v.isV5() || random.nextInt(3) == 0) {
            return MqttProperties.EMPTY;
        }
        MqttProperties.Builder b = MqttProperties.builder();
        for (PropertyId id : PropertyId.values()) {
            if (!PropertiesReader.isAllowed(id, context) || random.nextInt(3) != 0) {
                continue;
            }
            if (id == PropertyId.SUBSCRIPTION_IDENTIFIER && context == PacketType.PUBLISH.code() && toServer) {
                continue;
            }
            if (id == PropertyId.SESSION_EXPIRY_INTERVAL && context == PacketType.DISCONNECT.code() && !toServer) {
                continue;
            }
            switch (id) {
                case USER_PROPERTY -> {
                    for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
                        b.userProperty(string(), random.nextBoolean() ? "" : string());
                    }
                }
                case SUBSCRIPTION_IDENTIFIER -> {
                    int n = context == PacketType.SUBSCRIBE.code() ? 1 : 1 + random.nextInt(3);
                    for (int i = 0; i < n; i++) {
                        b.integer(id, 1 + random.nextInt(random.nextBoolean() ? 200 : WireReader.MAX_VAR_INT));
                    }
                }
                case RESPONSE_TOPIC -> b.string(id, topic());
                default -> {
                    switch (id.type()) {
                        case BYTE -> b.integer(id, random.nextInt(2));
                        case TWO_BYTE_INT -> b.integer(id, 1 + random.nextInt(65_535));
                        case FOUR_BYTE_INT -> b.integer(id, random.nextBoolean() ? 1 + random.nextInt(1000) : -1 - random.nextInt(10));
                        case BINARY -> b.binary(id, bytes(random.nextInt(8)));
                        case UTF8_STRING -> b.string(id, random.nextBoolean() ? "" : string());
                        default -> throw new IllegalStateException(id.toString());
                    }
                }
            }
        }
        if (b.isSet(PropertyId.AUTHENTICATION_DATA) && !b.isSet(PropertyId.AUTHENTICATION_METHOD)) {
            b.string(PropertyId.AUTHENTICATION_METHOD, "SCRAM-SHA-1");
        }
        return b.build();
    }

    String topic() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
            if (i > 0) {
                sb.append('/');
            }
            if (random.nextInt(5) != 0) {
                sb.append(WORDS[random.nextInt(WORDS.length)]);
            }
        }
        return sb.isEmpty() ? "t" : sb.toString();
    }

    String filter() {
        StringBuilder sb = new StringBuilder();
        if (random.nextInt(6) == 0) {
            sb.append("$share/").append("g").append(random.nextInt(10)).append('/');
        }
        for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
            if (i > 0) {
                sb.append('/');
            }
            int kind = random.nextInt(6);
            if (kind == 0) {
                sb.append('+');
            } else if (kind == 1 && i == n - 1) {
                sb.append('#');
            } else {
                sb.append(WORDS[random.nextInt(WORDS.length)]);
            }
        }
        return sb.toString();
    }

    String string() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0, n = 1 + random.nextInt(12); i < n; i++) {
            sb.append(WORDS[random.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    int packetId() {
        return 1 + random.nextInt(65_535);
    }

    private int reasonCode(PacketType type) {
        List<Integer> codes = new ArrayList<>();
        for (int c = 0; c < 256; c++) {
            if (ReasonCodeRules.isAllowed(type, c)) {
                codes.add(c);
            }
        }
        return random.nextBoolean() ? 0 : codes.get(random.nextInt(codes.size()));
    }

    private int pick(int... values) {
        return values[random.nextInt(values.length)];
    }
}
