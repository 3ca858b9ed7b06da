# Magpie's container image, built from the release archive (docs/operations.md, "Container"):
#
#   mvn -B -pl magpie-dist -am package -DskipTests
#   docker build --build-arg MAGPIE_VERSION=0.1.0-SNAPSHOT -t magpie .
#   docker run -d --name magpie -p 1883:1883 -v magpie-data:/opt/magpie/data magpie
#   docker exec magpie bin/magpie user add alice --password s3cret
#
# In the manner of the eclipse-mosquitto and hivemq/hivemq-ce images: a small JRE base, the broker as a non-root user,
# its state and its configuration in volumes, the standard ports, and a health check. Configure it with a file
# (mount your own config/magpie.yaml, start from config/magpie.example.yaml) or with MAGPIE_... variables
# (docker run -e MAGPIE_LOG_LEVEL=debug -e MAGPIE_LISTENERS_0_ALLOW_ANONYMOUS=true ...).
FROM eclipse-temurin:17-jre

ARG MAGPIE_VERSION=0.1.0-SNAPSHOT
# ADD unpacks a local tar.gz: /opt/magpie-<version>/, renamed to a path that does not change with the version
ADD magpie-dist/target/magpie-${MAGPIE_VERSION}.tar.gz /opt/
RUN mv /opt/magpie-${MAGPIE_VERSION} /opt/magpie \
 && groupadd --system --gid 1883 magpie \
 && useradd --system --uid 1883 --gid magpie --home-dir /opt/magpie --shell /usr/sbin/nologin magpie \
 && chown -R magpie:magpie /opt/magpie/data /opt/magpie/config

# MAGPIE_HOME is read by bin/magpie (never a config key); the JVM options suit a container's memory limit
ENV MAGPIE_HOME=/opt/magpie \
    MAGPIE_JAVA_OPTS="-XX:MaxRAMPercentage=75"
WORKDIR /opt/magpie
USER magpie
VOLUME ["/opt/magpie/data", "/opt/magpie/config"]
# MQTT, MQTT over TLS, HTTPS/secure WebSocket (the last two once a tls and a wss listener are configured)
EXPOSE 1883 8883 8443
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["/opt/magpie/bin/magpie-health"]
ENTRYPOINT ["/opt/magpie/bin/magpie"]
CMD ["serve", "--config", "/opt/magpie/config/magpie.yaml"]
