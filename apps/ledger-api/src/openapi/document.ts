import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { OperationObject, ResponseObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { isAllowed, Permission, Role, ROLES } from '@ledger/access';
import { FUND_IDS } from '@ledger/domain';
import type { LedgerApp } from '../bootstrap';
import { routeAccess } from '../http/auth.guard';
import { OTHER_CONTENT, PROBLEM_SCHEMA, SUCCESS_SCHEMAS, SUCCESS_SCHEMAS_BY_ROUTE } from './responses';
import { describeValidatedClasses } from './validation-schemas';

const PROBLEM_JSON = 'application/problem+json';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Roles granted a permission, from the same grants the guard checks. */
export function rolesWith(permission: Permission): Role[] {
  return ROLES.filter((role) => isAllowed({ role, subject: '', fundId: null }, permission));
}

/** `Controller_method` → the handler and its controller class, for every controller of the app. */
function handlersOf(app: LedgerApp): Map<string, { handler: Function; controller: Function }> {
  const handlers = new Map<string, { handler: Function; controller: Function }>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Function | null;
      if (!controller) continue;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name !== 'constructor' && typeof handler === 'function') handlers.set(`${controller.name}_${name}`, { handler, controller });
      }
    }
  }
  return handlers;
}

const ERRORS: Record<number, string> = {
  400: 'malformed input (path, query or body); `problems` names each field and reason',
  401: 'no valid bearer token (`npm run token -- --role ROLE`)',
  403: "outside the token's role, or another fund than a district manager's own",
  404: 'unknown resident, claim, fund or position',
  409: 'the business key was already used with another payload',
  413: 'body over 64 kB',
  415: 'body is not application/json',
  422: 'a business rule refused the request (the rule is named in `detail`)',
  503: 'the stream stayed contended through every retry; nothing was written, send it again',
};

function errorCodes(method: string, operation: OperationObject, isPublic: boolean): number[] {
  if (isPublic) return [];
  const codes = [400, 401, 403];
  if ((operation.parameters ?? []).some((parameter) => 'in' in parameter && parameter.in === 'path')) codes.push(404);
  if (method === 'post') codes.push(404, 413, 415, 422);
  if (operation.responses?.['201']) codes.push(409, 503);
  return [...new Set(codes)].sort();
}

function describeOperation(method: string, route: string, operation: OperationObject, access: { public: boolean; permission: Permission | null } | undefined): void {
  const id = operation.operationId ?? '';
  const isPublic = access?.public === true;
  const roles = access?.permission ? rolesWith(access.permission) : [];
  const scoped = roles.includes('district-manager') ? ' (district-manager: own fund only)' : '';
  (operation as unknown as Record<string, unknown>)['x-roles'] = isPublic ? ['anyone'] : roles;
  operation.security = isPublic ? [] : [{ bearer: [] }];
  const who = isPublic ? 'No token needed.' : `Roles: ${roles.join(', ') || 'none'}${scoped}.`;
  operation.description = [who, operation.description].filter(Boolean).join('\n\n');
  const success = SUCCESS_SCHEMAS[id] ?? SUCCESS_SCHEMAS_BY_ROUTE[`${method.toUpperCase()} ${route}`];
  const responses = (operation.responses ?? {}) as Record<string, ResponseObject>;
  for (const [status, response] of Object.entries(responses)) {
    if (!status.startsWith('2') || !success || response.content) continue;
    response.content = { 'application/json': { schema: success }, ...OTHER_CONTENT[id] };
  }
  if (responses['201'] && !responses['200']) {
    responses['200'] = { description: 'the same request sent again: the first answer', content: responses['201'].content ?? {} };
  }
  for (const code of errorCodes(method, operation, isPublic)) {
    responses[String(code)] = { description: ERRORS[code], content: { [PROBLEM_JSON]: { schema: { $ref: '#/components/schemas/Problem' } } } };
  }
  operation.responses = responses;
}

/** The OpenAPI 3 document of every route the app serves, from its controllers and DTOs. */
export function buildOpenApiDocument(app: LedgerApp): OpenAPIObject {
  describeValidatedClasses();
  const config = new DocumentBuilder()
    .setTitle('Wuhan resident medical insurance fund ledger')
    .setDescription(
      'Event-sourced ledger of the six funds of 武汉市城乡居民基本医疗保险. Money is a yuan string with two decimals, dates are YYYY-MM-DD business dates (Asia/Shanghai). ' +
        'Every route but /health needs `Authorization: Bearer <token>` (`npm run token -- --role finance-bureau`). Errors are application/problem+json.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const handlers = handlersOf(app);
  for (const [route, path] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = path[method];
      if (!operation) continue;
      const target = handlers.get(operation.operationId ?? '');
      describeOperation(method, route, operation, target && routeAccess(target.handler, target.controller));
      // Grouped on /docs by controller ("Commands", "Queries", "Audits"…).
      if (target && !operation.tags?.length) operation.tags = [target.controller.name.replace(/Controller$/, '')];
      for (const parameter of operation.parameters ?? []) {
        if ('in' in parameter && parameter.in === 'path' && parameter.name === 'fundId') parameter.schema = { type: 'string', enum: [...FUND_IDS] };
      }
    }
  }
  document.components = { ...document.components, schemas: { ...document.components?.schemas, Problem: PROBLEM_SCHEMA } };
  return document;
}
