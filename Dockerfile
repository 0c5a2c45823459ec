# aperture service image. Build: docker build -t aperture .
# Node 24, the active LTS (the code also runs on Node 20.19 and newer).

# Build: all dependencies, Prisma's client, the compiled JavaScript in dist/; then drop the
# development dependencies.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts tsconfig.json tsconfig.build.json ./
COPY prisma ./prisma
COPY scripts ./scripts
COPY bin ./bin
COPY src ./src
COPY seeds ./seeds
COPY console ./console
# postinstall runs `prisma generate` (offline-safe); prepare runs `npm run build`: dist/ (the console
# included) and the embedded database template (in node_modules/.cache, read-only for the service's
# user).
RUN npm ci --no-audit --no-fund
RUN npm prune --omit=dev --no-audit --no-fund

# Run: no compilers, no test tools, not root.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000 APERTURE_DATA_DIR=/data
COPY --from=build /app /app
RUN mkdir -p /data && chown node:node /data
USER node
# The embedded database, the development issuer's key and the audit key files live here.
VOLUME ["/data"]
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "scripts/docker-healthcheck.mjs"]
CMD ["node", "bin/aperture.mjs", "start"]
