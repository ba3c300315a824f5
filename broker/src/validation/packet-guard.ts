// Guards the MQTT parser aedes gives each connection (mqtt-packet 9, lib/parser.js, whose state
// methods this wraps): a packet is refused by the length it announces, before its bytes are
// buffered, and a string that is not well-formed UTF-8 ends the connection [MQTT-1.5.3-1].
import { isUtf8 } from 'node:buffer';
import type { Client } from 'aedes';

/** The parts of mqtt-packet's parser this guard wraps (its own internals: pinned by tests). */
interface ParserInternals {
  readonly packet: { readonly cmd?: string; readonly length: number };
  readonly _list: { slice(start: number, end: number): Buffer };
  readonly _pos: number;
  _parseLength(): boolean;
  _parseString(maybeBuffer?: boolean): string | null;
  _emitError(error: Error): void;
}

export type PacketRefusal = 'too_large' | 'bad_utf8';

/**
 * Makes the client's parser refuse a packet announcing more than `maxPacketBytes` of remaining
 * length (a 100 MiB PUBLISH was read whole into memory, then acknowledged and dropped), and any
 * string (topic, client id, user name, will topic) that is ill-formed UTF-8, holds a UTF-16
 * surrogate or U+0000 [MQTT-1.5.3-1, MQTT-1.5.3-2]. Either way aedes closes the connection at
 * once; `refused` hears why.
 */
export function guardParser(
  client: Client,
  maxPacketBytes: number,
  refused: (why: PacketRefusal, detail: string) => void,
): void {
  const parser = (client as unknown as { _parser: ParserInternals })._parser;
  const parseLength = parser._parseLength.bind(parser);
  parser._parseLength = () => {
    if (!parseLength()) return false;
    const { cmd, length } = parser.packet;
    if (length <= maxPacketBytes) return true;
    const detail = `${cmd ?? 'packet'} of ${String(length)} bytes, over ${String(maxPacketBytes)}`;
    refused('too_large', detail);
    parser._emitError(new Error(`packet too large: ${detail}`));
    return false;
  };
  const parseString = parser._parseString.bind(parser);
  parser._parseString = (maybeBuffer) => {
    const start = parser._pos;
    const text = parseString(maybeBuffer);
    if (text === null) return text;
    // Two bytes of length, then the string's own bytes.
    const bytes = parser._list.slice(start + 2, parser._pos);
    if (isUtf8(bytes) && !bytes.includes(0)) return text;
    const detail = `${parser.packet.cmd ?? 'packet'} string ${bytes.subarray(0, 16).toString('hex')}`;
    refused('bad_utf8', detail);
    parser._emitError(new Error(`ill-formed UTF-8 string [MQTT-1.5.3-1]: ${detail}`));
    return text;
  };
}
