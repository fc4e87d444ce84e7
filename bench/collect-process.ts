/**
 * A `collect` receiver for the benchmark, in its own process: prints its URL, and answers
 * `POST /bench/complete` (on a second listener) by rolling up every waiting trace and returning its
 * health with its RSS and the CPU time it has used; `GET /bench/state` returns the same without
 * rolling anything up. Arguments are startCollector options as JSON (default none).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startCollector } from '../src/collect/collector.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as Record<string, unknown>;
const collector = await startCollector({ port: 0, metrics: false, ...options });
const control = createServer((request, response) => {
  const state = request.method === 'GET' && request.url === '/bench/state';
  if (state || (request.method === 'POST' && request.url === '/bench/complete')) {
    if (!state) collector.completeWaiting();
    response.writeHead(200, { 'content-type': 'application/json' });
    const cpu = process.cpuUsage();
    response.end(
      JSON.stringify({
        ...collector.health(),
        rss_bytes: process.memoryUsage.rss(),
        heap_used_bytes: process.memoryUsage().heapUsed,
        cpu_us: cpu.user + cpu.system,
      }),
    );
    return;
  }
  response.writeHead(404).end();
});
control.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${collector.url}\n`);
  process.stdout.write(`http://127.0.0.1:${(control.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  control.close();
  void collector.close().then(() => process.exit(0));
});
