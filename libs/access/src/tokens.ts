import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { errors, jwtVerify, SignJWT } from 'jose';
import { isFundId } from '@ledger/domain';
import { isRole, Principal, Role } from './roles';

/**
 * Bearer tokens are HS256 JWTs (jose: maintained, dependency-free, constant-time checks).
 * The key comes from configuration — LEDGER_JWT_SECRET, or a file named by
 * LEDGER_JWT_SECRET_FILE — and never from the repository. For a local run with neither set, a
 * random key is created once in DATA_DIR/.jwt-secret (mode 0600) and shared by `npm start` and
 * `npm run token`.
 */
export const TOKEN_ISSUER = 'wuhan-resident-fund-ledger';
export const TOKEN_AUDIENCE = 'ledger-api';
const ALGORITHM = 'HS256';
const MIN_SECRET_BYTES = 32;
export const LOCAL_SECRET_FILE = '.jwt-secret';

export interface KeySource {
  secret?: string;
  secretFile?: string;
  dataDir: string;
}

export function keySourceFromEnv(dataDir: string, env: NodeJS.ProcessEnv = process.env): KeySource {
  return { secret: env.LEDGER_JWT_SECRET || undefined, secretFile: env.LEDGER_JWT_SECRET_FILE || undefined, dataDir };
}

export function resolveSigningKey(source: KeySource): Uint8Array {
  const text = source.secret ?? (source.secretFile ? readFileSync(source.secretFile, 'utf8').trim() : localSecret(source.dataDir));
  const key = new TextEncoder().encode(text);
  if (key.length < MIN_SECRET_BYTES) throw new Error(`the JWT secret must be at least ${MIN_SECRET_BYTES} bytes`);
  return key;
}

function localSecret(dataDir: string): string {
  const file = join(dataDir, LOCAL_SECRET_FILE);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    try {
      writeFileSync(file, randomBytes(48).toString('base64url'), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      // Another process created it first; use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    chmodSync(file, 0o600);
  }
  return readFileSync(file, 'utf8').trim();
}

export interface IssueOptions {
  subject: string;
  role: Role;
  fundId?: string;
  /** jose duration, e.g. '8h'. */
  expiresIn?: string;
}

export async function issueToken(key: Uint8Array, options: IssueOptions): Promise<string> {
  if (options.role === 'district-manager' && !isFundId(options.fundId)) {
    throw new Error('a district-manager token names its fund (--fund municipal|caidian|jiangxia|dongxihu|huangpi|xinzhou)');
  }
  if (options.role !== 'district-manager' && options.fundId !== undefined) {
    throw new Error('only district-manager tokens are scoped to a fund');
  }
  return new SignJWT({ role: options.role, ...(options.fundId ? { fund: options.fundId } : {}) })
    .setProtectedHeader({ alg: ALGORITHM })
    .setSubject(options.subject)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '8h')
    .sign(key);
}

export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidTokenError';
  }
}

export async function verifyToken(key: Uint8Array, token: string): Promise<Principal> {
  try {
    const { payload } = await jwtVerify(token, key, { issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, algorithms: [ALGORITHM] });
    const role = payload.role;
    if (!isRole(role)) throw new InvalidTokenError('the token names no known role');
    if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw new InvalidTokenError('the token names no subject');
    const fund = payload.fund;
    if (role === 'district-manager' && !isFundId(fund)) throw new InvalidTokenError('a district-manager token must name its fund');
    return { subject: payload.sub, role, fundId: role === 'district-manager' && isFundId(fund) ? fund : null };
  } catch (error) {
    if (error instanceof InvalidTokenError) throw error;
    if (error instanceof errors.JWTExpired) throw new InvalidTokenError('the token has expired');
    throw new InvalidTokenError('the token is not valid for this ledger');
  }
}
