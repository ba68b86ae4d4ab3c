import { ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const REGISTER = join(__dirname, 'register-ts.js');

export interface RunningChild {
  process: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves when the process is gone, with how it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs a repository TypeScript entry point (scripts/import.ts …) as a real child process, from source. */
export function spawnTs(entry: string, args: string[], env: Record<string, string> = {}): RunningChild {
  const child = spawn(process.execPath, ['-r', REGISTER, join(REPO_ROOT, entry), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal })),
  );
  return { process: child, stdout: () => stdout, stderr: () => stderr, exited };
}

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Polls `probe` until it returns true, then SIGKILLs the child (no chance to flush or clean up).
 * Fails when the child ends by itself first: the kill must land mid-way.
 */
export async function killWhen(child: RunningChild, probe: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  let ended = false;
  void child.exited.then(() => (ended = true));
  const deadline = Date.now() + timeoutMs;
  while (!ended && Date.now() < deadline) {
    if (probe()) {
      child.process.kill('SIGKILL');
      const { signal } = await child.exited;
      if (signal !== 'SIGKILL') throw new Error(`${what}: the child ended by itself before the kill (stderr: ${child.stderr()})`);
      return;
    }
    await sleep(5);
  }
  child.process.kill('SIGKILL');
  throw new Error(`${what}: ${ended ? 'the child ended before the kill point' : 'timed out waiting for the kill point'} (stderr: ${child.stderr()})`);
}
