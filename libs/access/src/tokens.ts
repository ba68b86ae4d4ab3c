import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { errors, JWTPayload, jwtVerify, SignJWT } from 'jose';
// The funds module alone: the domain's index loads the policy engine and YAML, seconds for a token.
import { isFundId } from '@ledger/domain/funds';
import { keyId } from './key-id';
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
/** What `issueToken` and `npm run token` give a token when no lifetime is asked for. */
export const DEFAULT_TOKEN_LIFETIME = '8h';
/**
 * How far ahead of this server's clock a token's `iat` may be: the issuing machine's clock may run
 * a little fast. Beyond it the token was minted for the future (or by a wrong clock): refused.
 */
export const ISSUED_AT_CLOCK_SKEW_SECONDS = 60;

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
    // kid: lets a server that holds another key say so instead of only "not valid".
    .setProtectedHeader({ alg: ALGORITHM, kid: keyId(key) })
    .setSubject(options.subject)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? DEFAULT_TOKEN_LIFETIME)
    .sign(key);
}

export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidTokenError';
  }
}

export async function verifyToken(key: Uint8Array, token: string): Promise<Principal> {
  return (await verifyFully(key, token)).principal;
}

/** A fully verified token: who it names, and the window (epoch seconds) in which it is valid. */
interface VerifiedToken {
  principal: Principal;
  notBefore: number | undefined;
  expires: number | undefined;
}

async function verifyFully(key: Uint8Array, token: string, nowSeconds?: number): Promise<VerifiedToken> {
  try {
    const currentDate = nowSeconds === undefined ? undefined : new Date(nowSeconds * 1000);
    const { payload } = await jwtVerify(token, key, { issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, algorithms: [ALGORITHM], currentDate });
    assertLifetime(payload, nowSeconds ?? Math.floor(Date.now() / 1000));
    const role = payload.role;
    if (!isRole(role)) throw new InvalidTokenError('the token names no known role');
    if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw new InvalidTokenError('the token names no subject');
    const fund = payload.fund;
    if (role === 'district-manager' && !isFundId(fund)) throw new InvalidTokenError('a district-manager token must name its fund');
    const principal: Principal = Object.freeze({ subject: payload.sub, role, fundId: role === 'district-manager' && isFundId(fund) ? fund : null });
    // jose has checked both are numbers when present. Frozen: one principal serves every request
    // that carries the token.
    return { principal, notBefore: payload.nbf, expires: payload.exp };
  } catch (error) {
    if (error instanceof InvalidTokenError) throw error;
    if (error instanceof errors.JWTExpired) throw new InvalidTokenError('the token has expired');
    throw new InvalidTokenError('the token is not valid for this ledger');
  }
}

/**
 * A token that never expires can never be taken back, and one issued in the future outlives its
 * stated lifetime: both are refused. jose has checked `exp` and `iat` are numbers when present.
 */
function assertLifetime(payload: JWTPayload, now: number): void {
  if (payload.exp === undefined) throw new InvalidTokenError('the token has no expiry (exp); issue a new one with npm run token');
  if (payload.iat !== undefined && payload.iat > now + ISSUED_AT_CLOCK_SKEW_SECONDS) {
    throw new InvalidTokenError(`the token is issued in the future (iat ${payload.iat} is more than ${ISSUED_AT_CLOCK_SKEW_SECONDS} s ahead of this server's clock)`);
  }
}

/** How many distinct verified tokens a TokenVerifier remembers (a few per client in practice). */
export const VERIFIED_TOKEN_CACHE_SIZE = 1024;

/**
 * verifyToken with a memory: the signature, issuer, audience, algorithm and claim shapes of a
 * token are fixed by its text and the key, so a token that passed them once passes them again;
 * only the clock checks (nbf, exp) can change their answer, and they are made again on every use,
 * the way jose makes them (no clock tolerance, whole seconds). The HMAC and the JSON decoding of
 * jose were the largest share of a balance request's CPU. Tokens that fail are not remembered:
 * they are verified afresh each time, so a refusal always comes from jose.
 */
export class TokenVerifier {
  private readonly verified = new Map<string, VerifiedToken>();

  constructor(
    private readonly key: Uint8Array,
    private readonly capacity: number = VERIFIED_TOKEN_CACHE_SIZE,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  async verify(token: string): Promise<Principal> {
    const now = this.nowSeconds();
    const known = this.verified.get(token);
    if (known) {
      if (known.notBefore !== undefined && known.notBefore > now) throw new InvalidTokenError('the token is not valid for this ledger');
      if (known.expires !== undefined && known.expires <= now) {
        // It can never become valid again.
        this.verified.delete(token);
        throw new InvalidTokenError('the token has expired');
      }
      // Most recently used last, so the first entry is the one to evict.
      this.verified.delete(token);
      this.verified.set(token, known);
      return known.principal;
    }
    const fresh = await verifyFully(this.key, token, now);
    this.verified.set(token, fresh);
    if (this.verified.size > this.capacity) this.verified.delete(this.verified.keys().next().value!);
    return fresh.principal;
  }

  /** Tokens remembered now (for tests). */
  get size(): number {
    return this.verified.size;
  }

  remembers(token: string): boolean {
    return this.verified.has(token);
  }
}
