/**
 * What an embedding application implements and receives: {@link dev.magpie.spi.Authenticator},
 * {@link dev.magpie.spi.EnhancedAuthenticator} (MQTT 5 AUTH exchanges),
 * {@link dev.magpie.spi.Authorizer}, {@link dev.magpie.spi.Interceptor}, {@link dev.magpie.spi.BrokerListener},
 * and the values they see ({@link dev.magpie.spi.ClientInfo}, {@link dev.magpie.spi.Message}, ...).
 *
 * <p>This package depends on nothing else of Magpie's, so every internal layer may use it without a cycle.
 * Each interface states which thread calls it; none of them may block an event loop.
 */
package dev.magpie.spi;
