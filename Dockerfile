# Image of the customer-request orchestrator.
#
# One image, three commands (docker-compose.yml picks one per service):
#   api      node_modules/.bin/tsx api/main.ts       (the default CMD)
#   worker   node_modules/.bin/tsx worker/main.ts
#   migrate  node_modules/.bin/tsx db/migrate-cli.ts
# They are the commands of `npm run api|worker|migrate`, run without npm in
# between, so that the signals Docker sends (SIGTERM on stop) reach tsx, which
# relays them to the node process it runs (the worker drains on SIGTERM).
#
# TypeScript is run from source by tsx, as in development. tsx is a
# devDependency, so the image installs the dev dependencies too (jest,
# typescript, @temporalio/testing, ... — a larger image, no other effect).
# See docs/deployment.md, "The image".
#
# Only features of the classic builder are used (no BuildKit-only syntax), so
# both `docker build` and docker-compose v1/v2 can build it.

# Node 20 on Debian 12 (bookworm), slim variant. Pinned to a patch release;
# bump deliberately. (Node 20 reaches end of life in April 2026.)
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

############################################################################
# deps: node_modules, exactly as package-lock.json says
############################################################################
FROM ${NODE_IMAGE} AS deps

# package.json's "allowScripts" is npm 11's install-script policy (it allows
# the scripts of @swc/core, protobufjs and @temporalio/core-bridge and denies
# those of esbuild and @parcel/watcher). Node 20 ships npm 10, which ignores
# the field and runs every install script, @parcel/watcher's included (that
# one may try to compile from source, and this image has no compiler). So
# install with the npm that wrote package-lock.json.
ARG NPM_VERSION=11.19.1
RUN npm install --global --no-audit --no-fund "npm@${NPM_VERSION}"

WORKDIR /app
COPY package.json package-lock.json ./
# --include=dev: tsx, the runner, is a devDependency (see above).
# Native parts come prebuilt from npm: @temporalio/core-bridge carries its
# Linux x64/arm64 (glibc) binaries in the package, and @swc/core — which the
# worker uses at run time to bundle the workflow code — gets them from its
# platform package (@swc/core-linux-x64-gnu / -arm64-gnu).
RUN npm ci --include=dev --no-audit --no-fund \
 && npm cache clean --force

############################################################################
# runtime
############################################################################
FROM ${NODE_IMAGE} AS runtime

# NODE_ENV=production makes the configuration refuse to start without
# CUSTOMER_TOKEN_SECRET (config/index.ts). PORT is the API's listening port.
ENV NODE_ENV=production \
    PORT=3000

WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
# The source (.dockerignore keeps out node_modules, tests, local state, ...).
COPY . .

# The files stay owned by root and the processes run as the image's unprivileged
# `node` user (uid 1000), so the running code cannot change itself. tsx keeps
# its transpile cache under /tmp (os.tmpdir()), the only place written to.
USER node

EXPOSE 3000

# Liveness of the API (GET /healthz). Slim images have no curl: node's own
# fetch does it. The worker and the one-shot migrate service use the same
# image; docker-compose.yml disables this check for them.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

CMD ["node_modules/.bin/tsx", "api/main.ts"]
