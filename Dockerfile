# syntax=docker/dockerfile:1
# The ledger API. Built in one stage (dev dependencies, TypeScript), run from a slim stage holding
# only the compiled output, production dependencies and the bundled policy parameters.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary can be downloaded.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# npm ci through the setup script, so it leaves the marker `npm run build` checks (else it installs again).
COPY scripts/setup.js ./scripts/setup.js
RUN node scripts/setup.js
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data \
    EVENTSTORE_CONNECTION_STRING=esdb://eventstore:2113?tls=false
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The policy library looks for its bundled parameters file under <cwd>/libs/policy/parameters.
COPY --from=build /app/libs/policy/parameters ./libs/policy/parameters
# The web console's static files, served by the API at /console.
COPY --from=build /app/apps/ledger-api/console ./apps/ledger-api/console
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=6 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "dist/apps/ledger-api/src/main.js"]
