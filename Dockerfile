# EcoTrace production image (docs/operations.md, "Production build"; decision 0016).
# Build:  docker build -t ecotrace .
# Run:    docker run -p 3000:3000 -v ecotrace-data:/data ecotrace    (embedded database and chain)
#         or with MONGODB_URI, RPC_URL, CHAIN_PRIVATE_KEY, REGISTRY_ADDRESS (docker-compose.yml)

# Build stage: all dependencies; contracts compiled, ABI types generated, TypeScript compiled to dist/,
# the web console built to console/dist (vite).
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The lockfile's overrides point at this stand-in package (docs/decisions/0002-embedded-database.md).
COPY tools/empty-package tools/empty-package
RUN npm ci --no-audit --no-fund
COPY hardhat.config.ts tsconfig.json tsconfig.build.json ./
COPY contracts contracts
COPY server server
COPY scripts scripts
COPY console console
RUN npm run build

# Runtime stage: production dependencies and dist/ only (no TypeScript, ts-node, Hardhat or solc).
FROM node:20-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
COPY tools/empty-package tools/empty-package
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist dist
COPY --from=build /app/console/dist console/dist
# Embedded database, chain state and keys live in DATA_DIR; the volume starts owned by `node`.
RUN mkdir /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/server/main/start.js"]
