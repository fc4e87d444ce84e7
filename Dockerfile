# amanuensis: the traced transcription service (and, with another command, the load generator).
# Node 24 runs the TypeScript sources directly (type stripping), so there is no build step: one stage
# installs the production dependencies, the runtime stage copies them beside src/ and bin/.
#
#   docker build -t amanuensis-otel:0.1.0 .
#   docker run -p 8080:8080 -e OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318 amanuensis-otel:0.1.0
#
# Every OTEL_* variable (endpoint, protocol, headers, service name, resource attributes, OTEL_BSP_*)
# is read at start-up; nothing about the backend is baked into the image.

FROM node:24.21.0-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=dev also skips the `node` devDependency (the image brings its own Node 24);
# no production dependency needs an install script.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

FROM node:24.21.0-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and read-only to the service user: the process cannot rewrite its own code.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
# The official OTLP definitions `amanuensis collect` decodes protobuf exports with (src/collect/otlp-proto.ts).
COPY proto ./proto
# The service writes span summaries (and the load generator its results) under /results. The
# directory belongs to the service user so that a named volume mounted there starts out writable:
# Docker fills a new, empty named volume from the image's directory, owner and mode included
# (docker-compose.yml, volume `results`).
RUN mkdir /results && chown node:node /results
# The official image's unprivileged user (uid 1000).
USER node
EXPOSE 8080
# Slim images have no curl; Node's fetch does the probe. /health answers 503 while starting or draining.
HEALTHCHECK --interval=5s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/amanuensis.js"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
