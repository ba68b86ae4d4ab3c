import { createHash } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';

/**
 * A short public name for an HS256 key, put in the `kid` header of every token the ledger issues,
 * so a refusal can say "signed with another key" instead of only "not valid". A truncated hash of
 * a domain-separated input: it names the key without helping anyone guess it.
 */
export function keyId(key: Uint8Array): string {
  return createHash('sha256').update('ledger-token-key-id\0').update(key).digest('hex').slice(0, 8);
}

/**
 * Why a token this server refused was refused, when the reason is that another key signed it
 * (its `kid` names another key); null when it names none or this one.
 */
export function otherKeyReason(token: string, key: Uint8Array, keyLocation?: string): string | null {
  let kid: unknown;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    return null;
  }
  const mine = keyId(key);
  if (typeof kid !== 'string' || kid === mine) return null;
  const shown = /^[A-Za-z0-9_-]{1,32}$/.test(kid) ? kid : 'unreadable';
  const where = keyLocation ? ` in ${keyLocation}` : '';
  return `the token was signed with another key (kid ${shown}); this server's key is ${mine}${where}: make the token with the same DATA_DIR or LEDGER_JWT_SECRET as the server`;
}
