/**
 * Readers for mosquitto's security files as mosquitto writes and reads them, so a deployment can move
 * to Magpie with its files unchanged: the password file ({@code password_file}, made by
 * {@code mosquitto_passwd}) becomes a {@link dev.magpie.security.mosquitto.PasswordFileAuthenticator}, and
 * the ACL file ({@code acl_file}) becomes rules for {@link dev.magpie.security.acl.AclAuthorizer}. Reading
 * is strict: a line that cannot be understood stops loading with a
 * {@link dev.magpie.security.mosquitto.MosquittoFileException} naming the file and line. Used by the
 * server's configuration and by embedding applications.
 */
package dev.magpie.security.mosquitto;
