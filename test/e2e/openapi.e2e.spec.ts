import { servedRoutes } from '../../apps/ledger-api/src/bootstrap';
import { isWebRoute } from '../../apps/ledger-api/src/web/web-routes';
import { startTestLedger, TestLedger } from './ledger-app';

/**
 * The OpenAPI document covers every route the app serves: a route added without its answer's
 * schema (apps/ledger-api/src/openapi/responses.ts) fails here, naming the route.
 */
describe('GET /openapi.json and /docs', () => {
  let ledger: TestLedger;
  let document: {
    openapi: string;
    paths: Record<string, Record<string, { 'x-roles'?: string[]; security?: unknown[]; parameters?: Array<{ name: string; in: string }>; requestBody?: { content: Record<string, { schema: { $ref?: string } }> }; responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
    components: { schemas: Record<string, { properties?: Record<string, { type?: string; enum?: unknown[]; format?: string }>; required?: string[] }> };
  };

  beforeAll(async () => {
    ledger = await startTestLedger();
    const response = await ledger.http().get('/openapi.json').expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    document = response.body;
  });
  afterAll(() => ledger.close());

  const apiRoutes = () =>
    servedRoutes(ledger.app).filter(
      (route) => route.method !== 'head' && route.method !== 'options' && !isWebRoute(route.path),
    );
  const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

  it('is OpenAPI 3 and needs no token', () => {
    expect(document.openapi).toMatch(/^3\./);
  });

  it('documents every route the app serves, with roles, an answer schema and problem+json errors', () => {
    const routes = apiRoutes();
    expect(routes.length).toBeGreaterThan(10);
    const gaps: string[] = [];
    for (const route of routes) {
      const name = `${route.method.toUpperCase()} ${route.path}`;
      const operation = document.paths[openApiPath(route.path)]?.[route.method];
      if (!operation) {
        gaps.push(`${name}: missing from the document`);
        continue;
      }
      if (!operation['x-roles']?.length) gaps.push(`${name}: no roles`);
      const success = Object.entries(operation.responses).filter(([status]) => status.startsWith('2'));
      if (!success.some(([, response]) => Object.values(response.content ?? {}).some((media) => media.schema))) {
        gaps.push(`${name}: no answer schema (apps/ledger-api/src/openapi/responses.ts)`);
      }
      if (operation['x-roles']?.[0] !== 'anyone') {
        for (const status of ['400', '401', '403']) {
          if (!operation.responses[status]?.content?.['application/problem+json']) gaps.push(`${name}: no ${status} problem+json answer`);
        }
      }
    }
    expect(gaps).toEqual([]);
  });

  it('takes request schemas from the validated DTOs', () => {
    const enrollment = document.paths['/v1/enrollments'].post;
    const ref = enrollment.requestBody?.content['application/json'].schema.$ref ?? '';
    const schema = document.components.schemas[ref.split('/').pop() ?? ''];
    expect(schema.required).toEqual(expect.arrayContaining(['enrollmentId', 'residentId', 'year', 'birthDate', 'category', 'hukou', 'enrolledAt']));
    expect(schema.required).not.toContain('hardship');
    expect(schema.properties?.category.enum).toContain('newborn');
    expect(schema.properties?.birthDate.format).toBe('date');
    const statement = document.paths['/v1/funds/{fundId}/statement'].get;
    expect(statement.parameters?.map((parameter) => `${parameter.in}:${parameter.name}`)).toEqual(expect.arrayContaining(['path:fundId', 'query:from', 'query:to']));
    expect(statement['x-roles']).toEqual(expect.arrayContaining(['finance-bureau', 'auditor', 'district-manager']));
    expect(statement['x-roles']).not.toContain('clerk');
    expect(document.paths['/health'].get['x-roles']).toEqual(['anyone']);
  });

  it('renders the document at /docs from the installed swagger-ui, with no token', async () => {
    const page = await ledger.http().get('/docs').expect(200);
    expect((await ledger.http().get('/docs/init.js').expect(200)).text).toContain("url: '/openapi.json'");
    for (const asset of page.text.match(/\/docs\/[a-z0-9.-]+\.(js|css|png)/g) ?? []) {
      await ledger.http().get(asset).expect(200);
    }
    await ledger.http().get('/docs/..%2Fpackage.json').expect(404);
  });
});
