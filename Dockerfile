# One image for every Maillage service; docker-compose.yml picks the workspace to run.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json turbo.json tsconfig.base.json jest.preset.js ./
COPY packages packages
COPY services services
COPY gateway gateway
COPY schema schema
COPY scripts scripts
RUN npm install --no-audit --no-fund && npx turbo run build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app /app
ARG WORKSPACE=gateway
ENV WORKSPACE=${WORKSPACE}
CMD ["sh", "-c", "cd /app/${WORKSPACE} && exec node dist/index.js"]
