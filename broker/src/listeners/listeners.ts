// The broker's network listeners: MQTT over TCP, over WebSocket (for the screens), and optionally TLS.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import {
  createServer as createTcpServer,
  type AddressInfo,
  type Server as TcpServer,
  type Socket,
} from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Duplex } from 'node:stream';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { Config } from '@fsbus/shared';
import { plainAddress, upgradeAddress } from './peer-address.js';

export interface ListenerOptions {
  readonly broker: Config['broker'];
  /** Hands a new connection to the broker, with the address it comes from. */
  readonly handle: (stream: Duplex, address: string) => void;
}

export interface Listeners {
  readonly tcpPort: number;
  readonly wsPort: number;
  readonly tlsPort: number | null;
  close(): Promise<void>;
}

export async function listen(
  server: TcpServer | HttpServer,
  port: number,
  host: string,
): Promise<number> {
  server.listen(port, host);
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => Promise.reject(error as Error)),
  ]);
  return (server.address() as AddressInfo).port;
}

export async function close(server: TcpServer | HttpServer, sockets: Set<Socket>): Promise<void> {
  const closed = new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  for (const socket of sockets) socket.destroy();
  await closed;
}

/** Tracks open sockets so close() does not wait for clients to leave. */
export function tracked(server: TcpServer | HttpServer): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return sockets;
}

/**
 * Gathers what aedes writes to one socket during one turn of the event loop into one system
 * call. aedes writes every packet on a tick of its own, so a burst to a subscriber costs one
 * writev per message, the largest part of a delivery in the broker benchmark. The
 * writes go out at the end of the turn (setImmediate), so nothing waits for more traffic.
 */
export function coalesceWrites(socket: Socket): Socket {
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.write = (...args: unknown[]) => {
    if (!corked) {
      corked = true;
      socket.cork();
      setImmediate(uncork);
    }
    return write(...args);
  };
  return socket;
}

/**
 * Starts every configured listener on `broker.bind`; rejects (closing what was opened) when a
 * port is taken or a TLS file cannot be read.
 */
export async function startListeners({ broker, handle }: ListenerOptions): Promise<Listeners> {
  const opened: { server: TcpServer | HttpServer; sockets: Set<Socket> }[] = [];
  const closeAll = async () => {
    await Promise.all(opened.map(({ server, sockets }) => close(server, sockets)));
  };
  try {
    // noDelay: a QoS 1 round trip drops from ~40 ms (Nagle) to under 1 ms.
    const tcp = createTcpServer({ noDelay: true }, (socket) => {
      handle(coalesceWrites(socket), plainAddress(socket.remoteAddress));
    });
    opened.push({ server: tcp, sockets: tracked(tcp) });
    const tcpPort = await listen(tcp, broker.tcpPort, broker.bind);

    const http = createHttpServer((_request, response) => {
      response.writeHead(426, { 'content-type': 'text/plain' }).end('MQTT over WebSocket only\n');
    });
    opened.push({ server: http, sockets: tracked(http) });
    const wss = new WebSocketServer({
      server: http,
      path: broker.wsPath,
      maxPayload: broker.maxMessageBytes + 64 * 1024,
      // MQTT over WebSocket negotiates the "mqtt" subprotocol [MQTT-6.0.0-3].
      handleProtocols: (protocols) =>
        protocols.has('mqtt') ? 'mqtt' : protocols.has('mqttv3.1') ? 'mqttv3.1' : false,
    });
    // The stream over a WebSocket has no address of its own: it comes from the upgrade request.
    const trusted = new Set(broker.trustedProxies);
    wss.on('connection', (socket, request) => {
      handle(createWebSocketStream(socket), upgradeAddress(request, trusted));
    });
    const wsPort = await listen(http, broker.wsPort, broker.bind);

    let tlsPort: number | null = null;
    if (broker.tls.certFile !== null && broker.tls.keyFile !== null) {
      const tls = createTlsServer(
        { cert: readFileSync(broker.tls.certFile), key: readFileSync(broker.tls.keyFile) },
        (socket) => {
          handle(socket, plainAddress(socket.remoteAddress));
        },
      );
      tls.on('secureConnection', (socket: Socket) => socket.setNoDelay(true));
      tls.on('tlsClientError', () => undefined); // a failed handshake is the client's problem
      opened.push({ server: tls, sockets: tracked(tls) });
      tlsPort = await listen(tls, broker.tls.port, broker.bind);
    }
    return {
      tcpPort,
      wsPort,
      tlsPort,
      close: async () => {
        wss.close();
        await closeAll();
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
