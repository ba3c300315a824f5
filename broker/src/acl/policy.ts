// Who may read and write which topic: the role defaults of the on-board broker plus the config's rules.
import {
  STREAMS,
  statusTopic,
  topicFilter,
  isServiceName,
  type OnBoardRole,
  type Role,
  type Stream,
} from '@fsbus/shared';
import type { AclRule } from '@fsbus/shared';
import { coversFilter, matchesTopic } from './topic-filter.js';

/** Who a connected client is. `username` is null for an anonymous client. */
export interface Identity {
  readonly username: string | null;
  readonly role: Role;
  /** The hash its password matched: a renewed password ends the connections of the old one. */
  readonly passwordHash?: string;
  /** The staff console session it logged in with (central): its end closes the connection. */
  readonly session?: string;
}

/** Gives a logged-in identity its rights (the on-board rules here, central's in central/). */
export interface Policy {
  for(identity: Identity): ClientAcl;
}

export type Access = AclRule['access'];

export interface Rule {
  readonly access: Access;
  readonly filter: string;
  readonly origin: 'default' | 'config';
}

export type Decision =
  { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

const ALLOWED: Decision = { allowed: true };

/** A role's default rights, as streams of its own bus. `own status` is status/{username}. */
const ROLE_DEFAULTS: Record<
  OnBoardRole,
  { read: readonly (Stream | '#')[]; write: readonly Stream[]; ownStatus: boolean }
> = {
  bridge: {
    read: ['#'],
    write: [
      'gnss',
      'door',
      'occupancy',
      'stop',
      'queue',
      'attendance',
      'plan',
      'plan/ack',
      'status',
    ],
    ownStatus: false,
  },
  kiosk: {
    read: ['plan', 'stop', 'queue', 'occupancy'],
    write: ['visit', 'opinion'],
    ownStatus: true,
  },
  // Not the live opinions: the adviser sees who stands at the kiosk (the attendance counts them).
  driver: {
    read: STREAMS.filter((stream) => stream !== 'opinion'),
    write: ['cmd/queue', 'cmd/occupancy'],
    ownStatus: true,
  },
  monitor: { read: ['#'], write: [], ownStatus: false },
};

function isOnBoardRole(role: Role): role is OnBoardRole {
  return role in ROLE_DEFAULTS;
}

function reads(access: Access): boolean {
  return access === 'read' || access === 'readwrite';
}

function writes(access: Access): boolean {
  return access === 'write' || access === 'readwrite';
}

/** Decisions cached per client and topic: a bus has few topics, a hostile client many. */
const CACHE_LIMIT = 1024;

/** The rights of one connected client, rules resolved once at login. */
export class ClientAcl {
  readonly #rules: readonly Rule[];
  readonly #role: Role;
  readonly #writeCache = new Map<string, Decision>();
  readonly #readCache = new Map<string, Decision>();
  readonly #reserved: ReadonlySet<string>;

  constructor(role: Role, rules: readonly Rule[], reserved: ReadonlySet<string> = new Set()) {
    this.#role = role;
    this.#rules = rules;
    this.#reserved = reserved;
  }

  get rules(): readonly Rule[] {
    return this.#rules;
  }

  /** May this client publish on `topic`? */
  canWrite(topic: string): Decision {
    if (this.#reserved.has(topic))
      return { allowed: false, reason: 'topic reserved to the broker' };
    return this.#cached(this.#writeCache, topic, () =>
      this.#decide('write', (filter) => matchesTopic(filter, topic)),
    );
  }

  /** May this client receive a message published on `topic`? */
  canRead(topic: string): Decision {
    return this.#cached(this.#readCache, topic, () =>
      this.#decide('read', (filter) => matchesTopic(filter, topic)),
    );
  }

  /**
   * May this client subscribe with `filter`? Only inside what it may read; a subscription that
   * also spans denied topics is granted, and those messages are not forwarded (canRead).
   */
  canSubscribe(filter: string): Decision {
    return this.#decide(
      'read',
      (allowed) => coversFilter(allowed, filter),
      (denied) => coversFilter(denied, filter),
    );
  }

  #cached(cache: Map<string, Decision>, topic: string, decide: () => Decision): Decision {
    let decision = cache.get(topic);
    if (decision === undefined) {
      if (cache.size >= CACHE_LIMIT) cache.clear();
      decision = decide();
      cache.set(topic, decision);
    }
    return decision;
  }

  #decide(
    want: 'read' | 'write',
    grants: (filter: string) => boolean,
    refuses: (filter: string) => boolean = grants,
  ): Decision {
    const deny = this.#rules.find((rule) => rule.access === 'deny' && refuses(rule.filter));
    if (deny) return { allowed: false, reason: `denied by rule ${deny.filter}` };
    const wanted = want === 'read' ? reads : writes;
    if (this.#rules.some((rule) => wanted(rule.access) && grants(rule.filter))) return ALLOWED;
    return { allowed: false, reason: `role ${this.#role} may not ${want} there` };
  }
}

/**
 * The access rules of one bus's broker: the role defaults, then the config's rules. A matching
 * deny rule refuses; then a matching allow rule grants; nothing else is allowed.
 */
export class AclPolicy implements Policy {
  readonly #busId: string;
  readonly #config: readonly AclRule[];

  constructor(options: { busId: string; rules: readonly AclRule[] }) {
    this.#busId = options.busId;
    this.#config = options.rules;
  }

  /** The rights of one identity, placeholders replaced. */
  for(identity: Identity): ClientAcl {
    if (!isOnBoardRole(identity.role)) {
      // A central account cannot log in here; if one did, it would get no rights.
      return new ClientAcl(identity.role, []);
    }
    const defaults = ROLE_DEFAULTS[identity.role];
    const rule = (access: Access, filter: string, origin: Rule['origin']): Rule => ({
      access,
      filter,
      origin,
    });
    const rules: Rule[] = [
      ...defaults.read.map((stream) => rule('read', topicFilter(stream, this.#busId), 'default')),
      ...defaults.write.map((stream) => rule('write', topicFilter(stream, this.#busId), 'default')),
    ];
    if (defaults.ownStatus && identity.username !== null && isServiceName(identity.username)) {
      rules.push(rule('write', statusTopic(this.#busId, identity.username), 'default'));
    }
    for (const configured of this.#config) {
      if (configured.role !== identity.role) continue;
      // A {username} rule says nothing about an anonymous client.
      if (identity.username === null && configured.topic.includes('{username}')) continue;
      const filter = configured.topic
        .replaceAll('{busId}', this.#busId)
        .replaceAll('{username}', identity.username ?? '');
      rules.push(rule(configured.access, filter, 'config'));
    }
    // The broker's own status is written by the broker alone, whatever the rules say.
    return new ClientAcl(identity.role, rules, new Set([statusTopic(this.#busId, 'broker')]));
  }
}
