package dev.magpie.cluster;

import java.util.Optional;

/**
 * The answer to {@link ClusterBackend#claim}: the new epoch, now this node's, and the owner it replaced, if any (the
 * caller tells a live previous owner to close its connection: a session taken over, reason 0x8E [MQTT-3.1.4-3]).
 *
 * @param clientId the client id claimed
 * @param epoch    the epoch of this claim; every later session write must carry it
 * @param previous the owner before this claim, when there was one
 */
public record OwnershipClaim(String clientId, long epoch, Optional<ClientOwner> previous) {
}
