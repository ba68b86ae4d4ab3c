import { readFileSync } from 'node:fs';

/**
 * The calling thread's user + system CPU in µs, from /proc/thread-self/stat (Linux): unlike
 * process.cpuUsage(), a worker's (the import's writer thread's) is not in it.
 */
export function threadCpuUs(): number {
  const stat = readFileSync('/proc/thread-self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the line (12 and 13 after the state field), in clock ticks (100 a second).
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}
