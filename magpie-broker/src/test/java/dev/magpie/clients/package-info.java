/**
 * The broker exercised by real MQTT client libraries and tools over loopback TCP: Eclipse Paho (3.1.1 and
 * 5.0), the HiveMQ MQTT client, and Debian's mosquitto_pub / mosquitto_sub. Each test names the behaviour
 * and the spec rule it proves.
 */
package dev.magpie.clients;
