import { once } from 'node:events';
import { createConnection, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { coalesceWrites } from './listeners.js';

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup) step();
  cleanup = [];
});

async function socketPair(): Promise<{ server: Socket; client: Socket }> {
  const listener = createServer();
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const address = listener.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const accepted = once(listener, 'connection') as Promise<[Socket]>;
  const client = createConnection({ port: address.port, host: '127.0.0.1' });
  const [server] = await accepted;
  cleanup.push(() => {
    client.destroy();
    server.destroy();
    listener.close();
  });
  return { server, client };
}

describe('coalesceWrites', () => {
  it('holds the writes of one event-loop turn and sends them, in order, at its end', async () => {
    const { server, client } = await socketPair();
    const socket = coalesceWrites(server);
    let received = '';
    client.on('data', (chunk: Buffer) => (received += chunk.toString()));
    for (let i = 0; i < 100; i++) socket.write(`${String(i)},`);
    expect(socket.writableCorked).toBe(1);
    expect(socket.writableLength).toBeGreaterThan(0); // nothing left for the kernel yet
    await new Promise((resolve) => setImmediate(resolve));
    expect(socket.writableCorked).toBe(0);
    const expected = Array.from({ length: 100 }, (_, i) => `${String(i)},`).join('');
    while (received.length < expected.length) await once(client, 'data');
    expect(received).toBe(expected);
  });

  it('corks again on the next turn, and write callbacks still run', async () => {
    const { server } = await socketPair();
    const socket = coalesceWrites(server);
    const written = new Promise<void>((resolve) =>
      socket.write('a', () => {
        resolve();
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    await written;
    socket.write('b');
    expect(socket.writableCorked).toBe(1);
  });
});
