import { decodeProtectedHeader } from 'jose';
import { keyId, otherKeyReason } from './key-id';
import { resolveDataDir, repoRoot, describeKeySource } from './local-paths';
import { issueToken, TokenVerifier, InvalidTokenError } from './tokens';
import { join } from 'node:path';

const KEY = new TextEncoder().encode('unit-test-key-for-the-key-id-0123456789abcdef');
const OTHER = new TextEncoder().encode('another-key-that-the-server-does-not-hold-0123');

describe('key ids', () => {
  it('names every issued token\'s key in its kid header, the same for the same key', async () => {
    const token = await issueToken(KEY, { subject: 'u', role: 'clerk' });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', kid: keyId(KEY) });
    expect(keyId(KEY)).toMatch(/^[0-9a-f]{8}$/);
    expect(keyId(OTHER)).not.toBe(keyId(KEY));
  });

  it('says a token was signed with another key, naming both keys and where this one lives', async () => {
    const token = await issueToken(OTHER, { subject: 'u', role: 'clerk' });
    await expect(new TokenVerifier(KEY).verify(token)).rejects.toBeInstanceOf(InvalidTokenError);
    expect(otherKeyReason(token, KEY, '/srv/data/.jwt-secret')).toBe(
      `the token was signed with another key (kid ${keyId(OTHER)}); this server's key is ${keyId(KEY)} in /srv/data/.jwt-secret: make the token with the same DATA_DIR or LEDGER_JWT_SECRET as the server`,
    );
  });

  it('has nothing to add for a token of this key, without a kid, or not a JWT at all', async () => {
    expect(otherKeyReason(await issueToken(KEY, { subject: 'u', role: 'clerk' }), KEY)).toBeNull();
    expect(otherKeyReason('eyJhbGciOiJIUzI1NiJ9.e30.sig', KEY)).toBeNull();
    expect(otherKeyReason('not-a-token', KEY)).toBeNull();
  });
});

describe('where the local key lives', () => {
  it('resolves DATA_DIR against the repository root, not the working directory', () => {
    const root = repoRoot();
    expect(root).toBe(join(__dirname, '..', '..', '..'));
    expect(resolveDataDir({})).toBe(join(root, 'data'));
    expect(resolveDataDir({ DATA_DIR: 'other' })).toBe(join(root, 'other'));
    expect(resolveDataDir({ DATA_DIR: '/srv/ledger' })).toBe('/srv/ledger');
    expect(describeKeySource({ dataDir: '/srv/ledger' })).toBe('/srv/ledger/.jwt-secret');
    expect(describeKeySource({ secret: 'x'.repeat(40), dataDir: '/srv/ledger' })).toBe('LEDGER_JWT_SECRET');
  });
});
