import { decodeJwt, SignJWT } from 'jose';
import { DEFAULT_TOKEN_LIFETIME, InvalidTokenError, ISSUED_AT_CLOCK_SKEW_SECONDS, issueToken, TOKEN_AUDIENCE, TOKEN_ISSUER, TokenVerifier, verifyToken } from './tokens';

const KEY = new TextEncoder().encode('unit-test-key-for-token-verifier-0123456789');
const OTHER_KEY = new TextEncoder().encode('another-key-that-signed-nothing-here-0123456');
const START = 1_900_000_000;

/** A settable clock in epoch seconds, shared by the verifier and (through it) jose. */
function clock(at = START) {
  const state = { now: at };
  return { state, now: () => state.now };
}

function signed(claims: { nbf?: number; exp?: number; iat?: number; role?: string }, key = KEY): Promise<string> {
  const jwt = new SignJWT({ role: claims.role ?? 'finance-bureau' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('unit')
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt(claims.iat ?? START - 100);
  if (claims.nbf !== undefined) jwt.setNotBefore(claims.nbf);
  if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
  return jwt.sign(key);
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTokenError);
    return (error as Error).message;
  }
  throw new Error('the token was accepted');
}

describe('TokenVerifier', () => {
  it('answers a remembered token as verifyToken does', async () => {
    const token = await issueToken(KEY, { subject: 'dm', role: 'district-manager', fundId: 'huangpi' });
    const verifier = new TokenVerifier(KEY);
    const expected = await verifyToken(KEY, token);
    expect(await verifier.verify(token)).toEqual(expected);
    expect(await verifier.verify(token)).toEqual(expected);
    expect(verifier.size).toBe(1);
  });

  it('refuses a remembered token once it expires, at the second jose refuses it', async () => {
    const time = clock();
    const verifier = new TokenVerifier(KEY, 16, time.now);
    const token = await signed({ exp: START + 60 });
    await verifier.verify(token);
    time.state.now = START + 59;
    await expect(verifier.verify(token)).resolves.toMatchObject({ role: 'finance-bureau' });
    time.state.now = START + 60;
    expect(await refusal(verifier.verify(token))).toBe('the token has expired');
    // Forgotten, and refused by jose itself from then on.
    expect(verifier.size).toBe(0);
    expect(await refusal(verifier.verify(token))).toBe('the token has expired');
  });

  it('refuses a token that never expires, whatever else it says', async () => {
    const verifier = new TokenVerifier(KEY, 16, clock().now);
    expect(await refusal(verifier.verify(await signed({})))).toBe('the token has no expiry (exp); issue a new one with npm run token');
    expect(verifier.size).toBe(0);
  });

  it(`refuses a token issued more than ${ISSUED_AT_CLOCK_SKEW_SECONDS} s in the future, and allows that much clock skew`, async () => {
    const verifier = new TokenVerifier(KEY, 16, clock().now);
    const future = await signed({ iat: START + ISSUED_AT_CLOCK_SKEW_SECONDS + 1, exp: START + 3600 });
    expect(await refusal(verifier.verify(future))).toMatch(/^the token is issued in the future/);
    const skewed = await signed({ iat: START + ISSUED_AT_CLOCK_SKEW_SECONDS, exp: START + 3600 });
    await expect(verifier.verify(skewed)).resolves.toMatchObject({ subject: 'unit' });
  });

  it('issues tokens that expire, by default after the documented lifetime', async () => {
    const token = await issueToken(KEY, { subject: 'cli', role: 'clerk' });
    const { exp, iat } = decodeJwt(token);
    expect(DEFAULT_TOKEN_LIFETIME).toBe('8h');
    expect(exp! - iat!).toBe(8 * 3600);
  });

  it('refuses a remembered token before its nbf if the clock goes back', async () => {
    const time = clock();
    const verifier = new TokenVerifier(KEY, 16, time.now);
    const token = await signed({ nbf: START - 10, exp: START + 600 });
    await verifier.verify(token);
    time.state.now = START - 11;
    expect(await refusal(verifier.verify(token))).toBe('the token is not valid for this ledger');
    time.state.now = START - 10;
    await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'unit' });
  });

  it('remembers no refusal: a bad token is refused by full verification every time', async () => {
    const verifier = new TokenVerifier(KEY, 16, clock().now);
    const forged = await signed({ exp: START + 600 }, OTHER_KEY);
    const noRole = await signed({ exp: START + 600, role: 'root' });
    for (let i = 0; i < 2; i += 1) {
      expect(await refusal(verifier.verify(forged))).toBe('the token is not valid for this ledger');
      expect(await refusal(verifier.verify(noRole))).toBe('the token names no known role');
    }
    expect(verifier.size).toBe(0);
  });

  it('does not let one remembered token vouch for another text', async () => {
    const verifier = new TokenVerifier(KEY);
    const token = await issueToken(KEY, { subject: 'bureau', role: 'finance-bureau' });
    await verifier.verify(token);
    const [header, payload, signature] = token.split('.');
    // A character inside the signature carries six bits of it (the last one may carry padding only).
    const flipped = `${header}.${payload}.${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    expect(await refusal(verifier.verify(flipped))).toBe('the token is not valid for this ledger');
  });

  it('keeps at most its capacity, forgetting the least recently used', async () => {
    const verifier = new TokenVerifier(KEY, 2);
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((subject) => issueToken(KEY, { subject, role: 'auditor' })));
    await verifier.verify(a);
    await verifier.verify(b);
    await verifier.verify(a);
    await verifier.verify(c);
    expect(verifier.size).toBe(2);
    expect([a, b, c].map((token) => verifier.remembers(token))).toEqual([true, false, true]);
    expect((await verifier.verify(b)).subject).toBe('b');
    expect([a, b, c].map((token) => verifier.remembers(token))).toEqual([false, true, true]);
  });
});
