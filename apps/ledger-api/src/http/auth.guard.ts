import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata, UnauthorizedException, ForbiddenException, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { describeKeySource, fundScopeOf, InvalidTokenError, isAllowed, otherKeyReason, Permission, Principal, TokenVerifier } from '@ledger/access';
import type { RecordedBy } from '@ledger/domain';
import type { LedgerConfig } from '../config';
import { LEDGER_CONFIG, SIGNING_KEY } from '../tokens';
import { assertRequestShape } from './strict-input';

const PERMISSION = 'ledger:permission';
const PUBLIC = 'ledger:public';

/** The permission a route needs; a route with none is open to no one but `@Public()` ones. */
export const Requires = (permission: Permission) => SetMetadata(PERMISSION, permission);
export const Public = () => SetMetadata(PUBLIC, true);

interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

export const BEARER = /^Bearer ([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+)$/;

/**
 * 401 without a valid bearer token, 403 outside the role, then the request's shape (400/415,
 * `assertRequestShape`). Runs before validation and handlers, so a refused request reaches
 * nothing that writes.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly tokens: TokenVerifier;
  private readonly keyLocation: string;

  constructor(
    private readonly reflector: Reflector,
    @Inject(SIGNING_KEY) private readonly key: Uint8Array,
    @Inject(LEDGER_CONFIG) config: LedgerConfig,
  ) {
    this.tokens = new TokenVerifier(key);
    this.keyLocation = describeKeySource(config.keySource);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    if (!match) throw unauthorized('send Authorization: Bearer <token> (npm run token -- --role ROLE)');
    let principal: Principal;
    try {
      principal = await this.tokens.verify(match[1]);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw unauthorized(otherKeyReason(match[1], this.key, this.keyLocation) ?? error.message);
      throw error;
    }
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(PERMISSION, targets);
    if (!permission || !isAllowed(principal, permission)) {
      throw new ForbiddenException({ message: `role ${principal.role} may not ${permission ?? 'use this endpoint'}` });
    }
    request.principal = principal;
    assertRequestShape(context);
    return true;
  }
}

export function unauthorized(message: string): UnauthorizedException {
  return new UnauthorizedException({ message });
}

export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw unauthorized('not authenticated');
  return principal;
});

export function recordedByOf(principal: Principal): RecordedBy {
  return { subject: principal.subject, role: principal.role };
}

export function assertFundVisible(principal: Principal, fundId: string): void {
  const scope = fundScopeOf(principal);
  if (scope && scope !== fundId) throw new ForbiddenException({ message: `this token may read only fund ${scope}` });
}

/** What a route asks of its caller, as the guard reads it: for the OpenAPI document. */
export function routeAccess(handler: Function, controller: Function): { public: boolean; permission: Permission | null } {
  const reflector = new Reflector();
  return {
    public: reflector.getAllAndOverride<boolean>(PUBLIC, [handler, controller]) === true,
    permission: reflector.getAllAndOverride<Permission | undefined>(PERMISSION, [handler, controller]) ?? null,
  };
}
