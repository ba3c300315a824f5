// A small TCP load balancer for tests, standing for HAProxy or nginx `stream` in front of
// central's nodes: each connection goes to the next node in turn, or to the one after when that
// node refuses it (a dead node); bytes pass through untouched (TLS ends at the node).
import { connect, createServer, type Socket } from 'node:net';

export interface TcpBalancer {
  readonly port: number;
  /** Which node each connection went to so far (by index in `backends`). */
  readonly landed: number[];
  /** Refuses new connections (closes them at once), as a network cut before the balancer. */
  hold(): void;
  /** Takes new connections again. */
  release(): void;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (an ephemeral port) in front of these ports on 127.0.0.1. */
export async function startTcpBalancer(backends: readonly number[]): Promise<TcpBalancer> {
  let next = 0;
  let held = false;
  const landed: number[] = [];
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  /** Connects to the first node that takes the connection, starting at the next in turn. */
  const pick = (tries: number, done: (node: Socket | null, index: number) => void) => {
    if (tries === backends.length) {
      done(null, -1);
      return;
    }
    const index = next % backends.length;
    next += 1;
    const node = connect({ host: '127.0.0.1', port: backends[index] ?? 0, noDelay: true });
    node.once('connect', () => {
      node.removeAllListeners('error');
      done(node, index);
    });
    node.once('error', () => {
      node.destroy();
      pick(tries + 1, done);
    });
  };
  const server = createServer({ noDelay: true, pauseOnConnect: true }, (client) => {
    track(client);
    client.on('error', () => client.destroy());
    if (held) {
      client.destroy();
      return;
    }
    pick(0, (node, index) => {
      if (node === null || client.destroyed) {
        node?.destroy();
        client.destroy();
        return;
      }
      landed.push(index);
      track(node);
      node.on('error', () => node.destroy());
      client.pipe(node);
      node.pipe(client);
      client.once('close', () => node.destroy());
      node.once('close', () => client.destroy());
      client.resume();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    landed,
    hold: () => {
      held = true;
    },
    release: () => {
      held = false;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
