# The loadtest image, for `loadtest k8s` worker and gather pods (and `docker run loadtest:<v> run …`).
# Build: docker build -t loadtest:$(node -p "require('./package.json').version") .
#
# Two stages: the build needs TypeScript (a dev dependency), the runtime only the compiled
# JavaScript and the production dependencies. NODE_IMAGE names the base: a mirror in a registry of
# your own, or a digest to pin it (--build-arg NODE_IMAGE=registry.example/node:20-slim).
ARG NODE_IMAGE=node:20-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied; the build runs below.
RUN npm ci --ignore-scripts
COPY tsconfig.json ./
COPY cli cli
COPY scenarios scenarios
COPY collectors collectors
COPY reports reports
COPY fixtures fixtures
RUN npm run build && npm prune --omit=dev

FROM ${NODE_IMAGE}
ENV NODE_ENV=production CI=true
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
# Read at run time: the HTML report's templates and assets (reports/html/report-assets.ts finds
# them beside dist/), and the shipped scenarios (`loadtest demo`, examples).
COPY --from=build /app/reports/html/templates reports/html/templates
COPY --from=build /app/reports/html/assets reports/html/assets
COPY --from=build /app/scenarios/flows scenarios/flows
# `loadtest` on PATH: the manifests run `loadtest run …` and a `sh -c` gather script.
RUN chmod +x dist/cli/main.js && ln -s /app/dist/cli/main.js /usr/local/bin/loadtest
# node:20-slim's unprivileged `node` user, by number so Kubernetes can check runAsNonRoot.
USER 1000:1000
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["--help"]
