package dev.magpie.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.magpie.BrokerCapabilities;

import java.util.Objects;

/**
 * The {@code capabilities:} section: a snake_case mirror of {@link BrokerCapabilities}, the optional MQTT
 * features the broker advertises to 5.0 clients in CONNACK and enforces for every client. Defaults come from
 * {@link BrokerCapabilities#all()}, and construction runs its validation, so the file cannot hold a value the
 * broker would refuse.
 */
public record CapabilitiesConfig(int maximumQos, boolean retainAvailable, boolean wildcardSubscriptions,
                                 boolean sharedSubscriptions, boolean subscriptionIdentifiers, int topicAliasMaximum,
                                 String responseInformation) {

    /** The same values as {@link BrokerCapabilities#all()}. */
    public static final CapabilitiesConfig DEFAULTS = of(BrokerCapabilities.all());

    public CapabilitiesConfig {
        Objects.requireNonNull(responseInformation, "responseInformation");
        try {
            new BrokerCapabilities(maximumQos, retainAvailable, wildcardSubscriptions, sharedSubscriptions,
                    subscriptionIdentifiers, topicAliasMaximum, responseInformation);
        } catch (IllegalArgumentException e) {
            throw ConfigKeys.inYamlTerms(e);
        }
    }

    public static CapabilitiesConfig of(BrokerCapabilities c) {
        return new CapabilitiesConfig(c.maximumQos(), c.retainAvailable(), c.wildcardSubscriptions(),
                c.sharedSubscriptions(), c.subscriptionIdentifiers(), c.topicAliasMaximum(), c.responseInformation());
    }

    @JsonCreator
    static CapabilitiesConfig fromYaml(@JsonProperty("maximum_qos") Integer maximumQos,
                                       @JsonProperty("retain_available") Boolean retainAvailable,
                                       @JsonProperty("wildcard_subscriptions") Boolean wildcardSubscriptions,
                                       @JsonProperty("shared_subscriptions") Boolean sharedSubscriptions,
                                       @JsonProperty("subscription_identifiers") Boolean subscriptionIdentifiers,
                                       @JsonProperty("topic_alias_maximum") Integer topicAliasMaximum,
                                       @JsonProperty("response_information") String responseInformation) {
        CapabilitiesConfig d = DEFAULTS;
        return new CapabilitiesConfig(
                maximumQos != null ? maximumQos : d.maximumQos,
                retainAvailable != null ? retainAvailable : d.retainAvailable,
                wildcardSubscriptions != null ? wildcardSubscriptions : d.wildcardSubscriptions,
                sharedSubscriptions != null ? sharedSubscriptions : d.sharedSubscriptions,
                subscriptionIdentifiers != null ? subscriptionIdentifiers : d.subscriptionIdentifiers,
                topicAliasMaximum != null ? topicAliasMaximum : d.topicAliasMaximum,
                responseInformation != null ? responseInformation : d.responseInformation);
    }

    /** The broker API's view of this section. */
    public BrokerCapabilities toCapabilities() {
        return new BrokerCapabilities(maximumQos, retainAvailable, wildcardSubscriptions, sharedSubscriptions,
                subscriptionIdentifiers, topicAliasMaximum, responseInformation);
    }
}
