# aperture service image. Build: docker build -t aperture .
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts ./
COPY scripts/prisma-generate.mjs scripts/no-schema-engine.sh ./scripts/
# Dev dependencies are needed at build time for `prisma generate` (postinstall).
RUN npm ci --include=dev --no-audit --no-fund
COPY . .
EXPOSE 4000
ENV HOST=0.0.0.0 PORT=4000
CMD ["node", "bin/aperture.mjs", "start"]
