import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { RULES } from '@ledger/audit';
import { shanghaiDateOf } from '@ledger/domain';
import type { Policy } from '@ledger/policy';
import type { LedgerApp } from '../bootstrap';
import { problemOf, sendProblem } from '../http/problem';
import { buildOpenApiDocument } from '../openapi/document';
import { POLICY } from '../tokens';

/**
 * What the ledger serves besides its API, with no token: the OpenAPI document and its rendered
 * page (`/openapi.json`, `/docs`) and the web console (`/console`). Everything comes from this
 * repository and installed packages (swagger-ui-dist, echarts), never a CDN, so both work on a
 * closed network. Registered on Fastify directly: plain files need no guard, pipe or filter.
 */
export const WEB_PREFIXES = ['/openapi.json', '/docs', '/console'];

export function isWebRoute(path: string): boolean {
  return WEB_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** The console's files live in the source tree (apps/ledger-api/console), found from here or from dist/. */
export function consoleDirectory(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'apps', 'ledger-api', 'console');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`the console files (apps/ledger-api/console) are not found above ${from}`);
  }
}

const SWAGGER_FILES = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png', 'favicon-16x16.png']);
/** Flat file names only: no path can climb out of the directory served. */
const FILE_NAME = /^[a-z0-9][a-z0-9._-]*$/i;

async function sendFile(reply: FastifyReply, file: string): Promise<void> {
  try {
    const body = await readFile(file);
    await reply
      .header('content-type', TYPES[extname(file)] ?? 'application/octet-stream')
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .send(body);
  } catch {
    notFound(reply);
  }
}

function notFound(reply: FastifyReply): void {
  sendProblem(reply, problemOf(404, 'no such file'));
}

const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fund ledger API</title>
<link rel="icon" href="/docs/favicon-32x32.png"><link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/swagger-ui-standalone-preset.js"></script>
<script src="/docs/init.js"></script></body></html>`;

const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout', persistAuthorization: false });`;

export function registerWebRoutes(app: LedgerApp): void {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  let document: OpenAPIObject | undefined;
  const openapi = () => (document ??= buildOpenApiDocument(app));
  const swaggerDir = dirname(require.resolve('swagger-ui-dist/package.json'));
  const echarts = require.resolve('echarts/dist/echarts.min.js');
  const consoleDir = consoleDirectory();

  fastify.get('/openapi.json', async (_request, reply) => reply.header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(openapi())));
  fastify.get('/docs', async (_request, reply) => reply.header('content-type', TYPES['.html']).send(DOCS_PAGE));
  fastify.get<{ Params: { file: string } }>('/docs/:file', async (request, reply) => {
    const { file } = request.params;
    if (file === 'init.js') return reply.header('content-type', TYPES['.js']).send(DOCS_INIT);
    return SWAGGER_FILES.has(file) ? sendFile(reply, join(swaggerDir, file)) : notFound(reply);
  });

  fastify.get('/console', async (_request, reply) => sendFile(reply, join(consoleDir, 'index.html')));
  fastify.get('/console/', async (_request, reply) => reply.redirect('/console'));
  fastify.get('/console/vendor/echarts.min.js', async (_request, reply) => sendFile(reply, echarts));
  // Policy parameters the console shows beside the figures (thresholds); public, like the policy file.
  fastify.get('/console/config.json', async (_request, reply) => {
    const policy = app.get<Policy>(POLICY);
    const today = shanghaiDateOf(new Date());
    return reply.header('cache-control', 'no-cache').send({
      today,
      monthsOfPayment: {
        shortage: policy.monthsOfPaymentShortage(today).toString(),
        warning: policy.monthsOfPaymentWarning(today).toString(),
        excess: policy.monthsOfPaymentExcess(today).toString(),
      },
      rules: RULES,
    });
  });
  fastify.get<{ Params: { file: string } }>('/console/:file', async (request, reply) => {
    const { file } = request.params;
    return FILE_NAME.test(file) ? sendFile(reply, join(consoleDir, file)) : notFound(reply);
  });
}
