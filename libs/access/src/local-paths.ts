import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { KeySource, LOCAL_SECRET_FILE } from './tokens';

const PACKAGE_NAME = 'wuhan-resident-fund-ledger';

/**
 * The repository root (the folder of the ledger's package.json), found from this file, so a
 * relative or default DATA_DIR means the same folder to `npm start`, `npm run token`, the CLIs and
 * a server started from another working directory. Falls back to the working directory when the
 * code runs outside the repository.
 */
export function repoRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && isLedgerManifest(manifest)) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

function isLedgerManifest(file: string): boolean {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/** DATA_DIR, resolved against the repository root; `<root>/data` when unset. */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env, root: string = repoRoot()): string {
  return resolve(root, env.DATA_DIR || 'data');
}

/** Where a key source's key lives, in words a person can act on. */
export function describeKeySource(source: KeySource): string {
  if (source.secret) return 'LEDGER_JWT_SECRET';
  if (source.secretFile) return `LEDGER_JWT_SECRET_FILE (${source.secretFile})`;
  return join(source.dataDir, LOCAL_SECRET_FILE);
}
