/**
 * A sync process for the SIGKILL test: opens a file ledger, delivers everything to the
 * receiver at argv[3], prints `done <cursor>` and exits. Run with `node --import tsx`.
 */
import { createFileStorage } from '../../../src/storage/file/index.js';
import { createHttpSink, createOutbox } from '../../../src/sync/index.js';

const [path, url] = process.argv.slice(2) as [string, string];
const storage = createFileStorage(path);
const outbox = createOutbox({ storage, sink: createHttpSink({ url, timeoutMs: 5000 }), batchSize: 20, maxInFlight: 2, flushIntervalMs: 10, pollIntervalMs: 5, retry: { baseMs: 5, maxMs: 20 } });
await outbox.start();
process.stdout.write('started\n');
await outbox.flush();
await outbox.stop();
await storage.close();
process.stdout.write(`done ${outbox.stats().cursor}\n`);
