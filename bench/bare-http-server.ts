// The comparison floor for bench/webhook-bench.ts: a bare `node:http` server in its own process (no
// Fastify, no token check, no decision) that reads each request body and answers the webhook's
// fixed allow answer. The webhook's figures are given as ratios to this server's.
import http from 'node:http';

export const BARE_ANSWER = JSON.stringify({
  blockAction: false,
  reasonCode: 0,
  reason: 'Allowed.',
  diagnostics: 'no-op',
});

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(BARE_ANSWER);
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
