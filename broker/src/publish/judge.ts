// The verdict on one publish: the ACL of its sender, then the size and protocol checks.
import type { PublishPacket } from 'aedes';
import {
  tryParseTopic,
  type DecodedMessage,
  type LocalPartnerRule,
  type SchemaCheck,
} from '@fsbus/shared';
import type { ClientAcl } from '../acl/policy.js';
import type { Rejection } from '../status/metrics.js';
import { checkPayload } from '../validation/payload-check.js';

export interface JudgeOptions {
  readonly maxMessageBytes: number;
  /** Local partner codes the bus declares: visits and opinions may name no others. */
  readonly localPartners: LocalPartnerRule;
  /** How payloads are checked against their schema (compiled once at start). */
  readonly schemaCheck: SchemaCheck;
}

/**
 * The verdict on one publish: passed, with its message as decoded when it is an fsbus fact
 * (central's recorder stores that, without parsing it again), or refused and why.
 */
export type Verdict =
  | { readonly ok: true; readonly decoded?: DecodedMessage }
  | { readonly ok: false; readonly reason: Rejection; readonly detail: string };

/** What judges a publish. `acl` null: a will of an earlier run. */
export type Judge = (acl: ClientAcl | null, packet: PublishPacket) => Verdict;

export function createJudge(options: JudgeOptions): Judge {
  return (acl, packet) => {
    if (!acl && tryParseTopic(packet.topic)?.stream !== 'status') {
      // Wills are checked when set (authenticate); one left by an earlier run is a status.
      return { ok: false, reason: 'acl', detail: 'will of an earlier run outside status/' };
    }
    const decision = acl ? acl.canWrite(packet.topic) : { allowed: true as const };
    if (!decision.allowed) return { ok: false, reason: 'acl', detail: decision.reason };
    const payload =
      typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const verdict = checkPayload(packet.topic, payload, packet.retain, {
      maxBytes: options.maxMessageBytes,
      localPartners: options.localPartners,
      schemaCheck: options.schemaCheck,
    });
    if (!verdict.ok) return { ok: false, reason: verdict.code, detail: verdict.detail };
    return verdict;
  };
}
