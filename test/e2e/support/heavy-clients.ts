import { spawn } from 'node:child_process';

/**
 * Heavy-read clients in a process of their own (fair-share.e2e.spec.ts). Clients are not inside
 * the server they load: run in the jest process, their reading of twenty answers of half a
 * megabyte to a megabyte each allocated buffers in the server's own heap, and the collections
 * that followed paused the server (two full collections of 81 and 155 ms in one run at a load
 * average of 12) — a cost no real client can put on the server.
 */
export interface HeavyRequest {
  method: 'GET' | 'POST';
  path: string;
  token: string;
  body?: unknown;
}

export interface HeavyClients {
  /** Resolves once every client has sent its first request. */
  started: Promise<void>;
  /** Asks the clients to stop after their current request; resolves with the count of each status. */
  stop(): Promise<Map<number, number>>;
}

/** Plain Node, no dependencies: it runs under `node -e` whatever jest compiles. */
const CLIENTS_SOURCE = `
const { request, Agent } = require('node:http');
const { base, plan, clients, rounds } = JSON.parse(process.argv[1]);
const agent = new Agent({ keepAlive: false, maxSockets: 64 });
const statuses = {};
let stop = false;
let sent = 0;
process.on('message', () => { stop = true; });
function call({ method, path, token, body }) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(base + path, { agent, method, headers: { authorization: 'Bearer ' + token, ...(payload ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, retryAfter: res.headers['retry-after'] }));
    });
    req.on('error', reject);
    req.end(payload);
    if (++sent === clients) process.send({ started: true });
  });
}
Promise.all(Array.from({ length: clients }, async (_, client) => {
  for (let round = 0; !stop && round < rounds; round += 1) {
    const { status, retryAfter } = await call(plan[client % plan.length]);
    statuses[status] = (statuses[status] || 0) + 1;
    // A refused audit comes back when told to, as a client should.
    if (status === 503) await new Promise((resolve) => setTimeout(resolve, Number(retryAfter) * 1000));
  }
})).then(() => process.send({ statuses }, () => process.exit(0)), (error) => { console.error(error); process.exit(1); });
`;

/** `clients` clients, client i asking plan[i % plan.length] up to `rounds` times. */
export function startHeavyClients(base: string, plan: readonly HeavyRequest[], clients: number, rounds: number): HeavyClients {
  const child = spawn(process.execPath, ['-e', CLIENTS_SOURCE, JSON.stringify({ base, plan, clients, rounds })], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let started!: () => void;
  let finished!: (statuses: Map<number, number>) => void;
  let failed!: (error: Error) => void;
  const startedPromise = new Promise<void>((resolve) => (started = resolve));
  const done = new Promise<Map<number, number>>((resolve, reject) => {
    finished = resolve;
    failed = reject;
  });
  child.on('message', (message: { started?: true; statuses?: Record<string, number> }) => {
    if (message.started) started();
    if (message.statuses) finished(new Map(Object.entries(message.statuses).map(([status, count]) => [Number(status), count])));
  });
  child.on('exit', (code) => {
    started();
    failed(new Error(`the heavy-read clients exited with code ${code} before reporting`));
  });
  return {
    started: startedPromise,
    stop: () => {
      if (child.connected) child.send({ stop: true });
      return done;
    },
  };
}
