// Checkpoints of the recorder's WAL in a thread of their own. SQLite's automatic checkpoint runs
// in the connection that commits: every few MiB it copies the WAL into the database and syncs
// it, and the broker's event loop stood still for it. Here the writer pauses its next commit
// while the thread copies (the broker keeps reading and checking messages meanwhile), so the
// checkpoint completes and the WAL starts over from its beginning.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** The thread's code: plain CommonJS, so it runs the same from source, a build or the bundle. */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
parentPort.on('message', (request) => {
  if (request === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true });
  } catch (error) {
    parentPort.postMessage({ ok: false, message: String(error && error.message) });
  }
});
`;

export interface Checkpointer {
  /** Copies the WAL into the database; resolves once done, rejects if the thread cannot. */
  run(): Promise<void>;
  /** Ends the thread (after the checkpoint under way). */
  stop(): Promise<void>;
}

/** Starts the thread on the database `file` (which exists, in WAL mode). */
export function startCheckpointer(file: string): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(THREAD, { eval: true, workerData: { driver, file } });
  let waiting: { resolve: () => void; reject: (error: Error) => void } | undefined;
  let ended: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      ended ??= new Error(`the checkpoint thread stopped (exit code ${String(code)})`);
      waiting?.reject(ended);
      waiting = undefined;
      resolve();
    });
  });
  worker.on('error', (error) => {
    ended = new Error(`the checkpoint thread failed: ${error.message}`);
  });
  worker.on('message', (reply: { ok: boolean; message?: string }) => {
    const current = waiting;
    waiting = undefined;
    if (reply.ok) current?.resolve();
    else current?.reject(new Error(`WAL checkpoint failed: ${reply.message ?? 'unknown error'}`));
  });
  let under: Promise<void> = Promise.resolve();
  return {
    run() {
      if (ended) return Promise.reject(ended);
      if (waiting) return under;
      under = new Promise<void>((resolve, reject) => {
        waiting = { resolve, reject };
        worker.postMessage('run');
      });
      return under;
    },
    async stop() {
      await under.catch(() => undefined);
      if (!ended) worker.postMessage('close');
      await exited;
    },
  };
}
