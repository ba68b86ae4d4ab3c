import http from 'node:http';

/**
 * The query benchmark's floor: an HTTP server on a loopback port that answers every request with
 * the same bytes (a real balance answer, given by the benchmark), so the same load process against
 * it shows what the client, the loopback and two shared cores cost by themselves.
 *
 *   node dist/scripts/bench/fixed-answer-server.js '{"body":"…","contentType":"application/json; charset=utf-8"}'
 *
 * Prints the port it listens on as one line; stops on SIGTERM.
 */
interface FixedAnswer {
  body: string;
  contentType: string;
}

if (require.main === module) {
  const answer = JSON.parse(process.argv[2]) as FixedAnswer;
  const body = Buffer.from(answer.body);
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': answer.contentType, 'content-length': body.length });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`${typeof address === 'object' && address ? address.port : ''}\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
