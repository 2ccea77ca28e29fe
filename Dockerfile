# syntax=docker/dockerfile:1
#
# The incidents container image: a static binary on distroless, running as
# the non-root user 65532.
#
#   docker build -t incidents-dev/incidents:latest --build-arg VERSION=$(git describe --tags --always --dirty) .
#   docker run --rm -p 9464:9464 incidents-dev/incidents:latest
#
# It runs `incidents serve` with /app/config.yaml (the sample configuration,
# collecting the examples in /app/examples/reports), listens on
# 0.0.0.0:9464 (INCIDENTS_HTTP_LISTEN) and keeps the SQLite store in the
# volume /var/lib/incidents (INCIDENTS_STORE_PATH). Mount another
# configuration and pass `serve --config FILE` to change that.

ARG GO_VERSION=1.26

FROM golang:${GO_VERSION} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false \
        -ldflags "-s -w -X main.version=${VERSION}" \
        -o /out/incidents ./cmd/incidents \
    && mkdir -p /out/state

FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=dev
LABEL org.opencontainers.image.title="incidents" \
      org.opencontainers.image.description="Security reports of think tanks turned into time series" \
      org.opencontainers.image.source="https://github.com/incidents-dev/incidents" \
      org.opencontainers.image.version="${VERSION}"
COPY --from=build /out/incidents /usr/local/bin/incidents
WORKDIR /app
COPY config.yaml /app/config.yaml
COPY examples /app/examples
# The store directory, owned by the nonroot user, so that a named volume
# mounted there starts writable.
COPY --from=build --chown=65532:65532 /out/state /var/lib/incidents
ENV INCIDENTS_HTTP_LISTEN=0.0.0.0:9464 \
    INCIDENTS_STORE_PATH=/var/lib/incidents/incidents.db
USER 65532:65532
VOLUME ["/var/lib/incidents"]
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["/usr/local/bin/incidents", "healthcheck", "--url", "http://127.0.0.1:9464/healthz"]
ENTRYPOINT ["/usr/local/bin/incidents"]
CMD ["serve"]
