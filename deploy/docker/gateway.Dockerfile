# specgate gateway image: multi-stage build on a jlink'd JDK 25 runtime (with jdk.incubator.vector).
# Build from the repository root:  docker build -f deploy/docker/gateway.Dockerfile -t specgate-gateway .
# Models are not in the image: mount them at /models (SPECGATE_MODELS).

FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -ntp -q -DskipTests -pl cli -am package
# The modules the code needs (jdeps), plus the ones it loads reflectively or by flag: the Vector API,
# EC crypto for TLS, the JDK HTTP server (verifier /metrics) and jdk.unsupported (Netty, FFM helpers).
RUN MODS="$(jdeps --ignore-missing-deps --print-module-deps --multi-release 25 -q \
        --class-path 'cli/target/lib/*' cli/target/classes)" \
 && jlink --add-modules "$MODS,jdk.incubator.vector,jdk.crypto.ec,jdk.httpserver,jdk.unsupported,java.net.http" \
        --strip-debug --no-man-pages --no-header-files --compress=zip-6 --output /runtime

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --no-create-home specgate
COPY --from=build /runtime /opt/java
COPY --from=build /src/cli/target/lib /opt/specgate/lib
COPY --from=build /src/cli/target/classes /opt/specgate/classes
ENV JAVA_HOME=/opt/java SPECGATE_MODELS=/models \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+UseParallelGC"
USER 10001
EXPOSE 8080
ENTRYPOINT ["/opt/java/bin/java", "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", \
            "--sun-misc-unsafe-memory-access=allow", "-cp", "/opt/specgate/classes:/opt/specgate/lib/*", \
            "dev.specgate.cli.Main"]
CMD ["serve", "--config", "/etc/specgate/gateway.yaml"]
