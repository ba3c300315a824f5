// Central's network listeners: MQTT over TLS for the buses, over secure WebSocket for the staff
// console, and plain TCP or WebSocket only when the config gives them a port (development).
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Duplex } from 'node:stream';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { CentralConfig } from '@fsbus/shared';
import { fileProblem } from '@fsbus/shared/node';
import { close, coalesceWrites, listen, tracked } from '../listeners/listeners.js';
import { plainAddress } from '../listeners/peer-address.js';

/** A PEM file the config names; one that cannot be read is a config problem (exit 78). */
export function readPem(key: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw fileProblem(key, file, 'a readable PEM file', (error as Error).message);
  }
}

export interface CentralPorts {
  readonly tls: number | null;
  readonly wss: number | null;
  readonly tcp: number | null;
  readonly ws: number | null;
}

export interface CentralListeners {
  readonly ports: CentralPorts;
  close(): Promise<void>;
}

/**
 * MQTT over WebSocket on an HTTP(S) server at `mqtt.wsPath`: its own listeners, and the staff
 * API's port, where the console connects from its own origin.
 */
export function mqttWebSocket(
  server: HttpServer,
  mqtt: CentralConfig['mqtt'],
  handle: (stream: Duplex, address: string) => void,
): WebSocketServer {
  const wss = new WebSocketServer({
    server,
    path: mqtt.wsPath,
    maxPayload: mqtt.maxMessageBytes + 64 * 1024,
    // MQTT over WebSocket negotiates the "mqtt" subprotocol [MQTT-6.0.0-3].
    handleProtocols: (protocols) =>
      protocols.has('mqtt') ? 'mqtt' : protocols.has('mqttv3.1') ? 'mqttv3.1' : false,
  });
  wss.on('connection', (socket, request) => {
    handle(createWebSocketStream(socket), plainAddress(request.socket.remoteAddress));
  });
  return wss;
}

/**
 * Starts the configured listeners on `mqtt.bind`; rejects (closing what was opened) when a port
 * is taken or a certificate file cannot be read.
 */
export async function startCentralListeners(
  mqtt: CentralConfig['mqtt'],
  handle: (stream: Duplex, address: string) => void,
): Promise<CentralListeners> {
  const opened: { server: TcpServer | HttpServer; sockets: Set<Socket>; wss?: WebSocketServer }[] =
    [];
  const closeAll = async () => {
    for (const { wss } of opened) wss?.close();
    await Promise.all(opened.map(({ server, sockets }) => close(server, sockets)));
  };
  const start = async (server: TcpServer | HttpServer, port: number, wss?: WebSocketServer) => {
    opened.push({ server, sockets: tracked(server), ...(wss ? { wss } : {}) });
    return listen(server, port, mqtt.bind);
  };
  const webSocket = (server: HttpServer) => mqttWebSocket(server, mqtt, handle);
  const upgradeOnly = (_request: unknown, response: import('node:http').ServerResponse) => {
    response.writeHead(426, { 'content-type': 'text/plain' }).end('MQTT over WebSocket only\n');
  };

  try {
    const ports = { tls: null, wss: null, tcp: null, ws: null } as {
      -readonly [K in keyof CentralPorts]: CentralPorts[K];
    };
    const { certFile, keyFile } = mqtt.tls;
    if (certFile !== null && keyFile !== null) {
      const credentials = {
        cert: readPem('mqtt.tls.certFile', certFile),
        key: readPem('mqtt.tls.keyFile', keyFile),
      };
      const tls = createTlsServer(credentials, (socket) => {
        handle(coalesceWrites(socket), plainAddress(socket.remoteAddress));
      });
      // noDelay: a QoS 1 round trip drops from ~40 ms (Nagle) to under 1 ms.
      tls.on('secureConnection', (socket: Socket) => socket.setNoDelay(true));
      tls.on('tlsClientError', () => undefined); // a failed handshake is the client's problem
      ports.tls = await start(tls, mqtt.tlsPort);
      if (mqtt.wssPort !== null) {
        const https = createHttpsServer(credentials, upgradeOnly);
        const wss = webSocket(https);
        ports.wss = await start(https, mqtt.wssPort, wss);
      }
    }
    if (mqtt.tcpPort !== null) {
      const tcp = createTcpServer({ noDelay: true }, (socket) => {
        handle(coalesceWrites(socket), plainAddress(socket.remoteAddress));
      });
      ports.tcp = await start(tcp, mqtt.tcpPort);
    }
    if (mqtt.wsPort !== null) {
      const http = createHttpServer(upgradeOnly);
      const wss = webSocket(http);
      ports.ws = await start(http, mqtt.wsPort, wss);
    }
    return { ports, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
