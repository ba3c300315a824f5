// Central's accounts file: one credential per bus, staff and planner accounts, scrypt hashes.
// Written by the fsbus-central commands (atomically), read by the running central, which sees
// a change at the next login and within a few seconds for connected clients.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { BusId, CentralRole } from '@fsbus/shared';
import type { Account, AccountBook } from '../auth/authenticator.js';

const PASSWORD_HASH = /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$/;

const CredentialEntry = z.strictObject({
  username: BusId,
  role: CentralRole,
  passwordHash: z.string().regex(PASSWORD_HASH, { error: 'an scrypt hash' }),
  createdAt: z.iso.datetime(),
});
export type CredentialEntry = z.infer<typeof CredentialEntry>;

/**
 * Two names of which one starts with the other and `-` (`bfs`, `bfs-87-012`): a client id is
 * its user name or starts with it and `-`, so the shorter could take the other's client ids
 * (`bfs-87-012-uplink`) and push it off central.
 */
export function clashingName(names: readonly string[]): [string, string] | null {
  for (const a of names) {
    for (const b of names) if (a !== b && b.startsWith(`${a}-`)) return [a, b];
  }
  return null;
}

export const CredentialsFileSchema = z.strictObject({
  version: z.literal(1),
  accounts: z
    .array(CredentialEntry)
    .refine((list) => new Set(list.map((a) => a.username)).size === list.length, {
      error: 'each user name at most once',
    })
    .superRefine((list, ctx) => {
      const clash = clashingName(list.map((a) => a.username));
      if (clash) {
        ctx.addIssue({
          code: 'custom',
          message: `${clash[0]} and ${clash[1]}: no user name may start with another and "-"`,
        });
      }
    }),
});
export type CredentialsFile = z.infer<typeof CredentialsFileSchema>;

/** Why the credentials file cannot be used: which file, and what is wrong. */
export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

const EMPTY: CredentialsFile = { version: 1, accounts: [] };

/** Reads and validates the file; a missing file is an empty one. */
export function readCredentials(file: string): CredentialsFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY;
    throw new CredentialsError(file, (error as Error).message);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new CredentialsError(file, `not JSON: ${(error as Error).message}`);
  }
  const result = CredentialsFileSchema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`,
    );
    throw new CredentialsError(file, problems.join('; '));
  }
  return result.data;
}

/** Writes the file whole (a temporary file renamed over it), readable by its owner only. */
export function writeCredentials(file: string, credentials: CredentialsFile): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

/** A fresh random password: 24 bytes, base64url (32 characters). */
export function randomPassword(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * The accounts of a credentials file, re-read when the file changes (size, time or inode). A
 * file that became unreadable or invalid keeps the accounts last read, and `onProblem` says so.
 */
export class CredentialsBook implements AccountBook {
  readonly #file: string;
  readonly #onProblem: (error: CredentialsError) => void;
  #accounts = new Map<string, Account>();
  #stamp = '';
  #version = 0;

  constructor(file: string, onProblem: (error: CredentialsError) => void) {
    this.#file = file;
    this.#onProblem = onProblem;
    this.#accounts = this.#index(readCredentials(file));
    this.#stamp = this.#currentStamp();
  }

  get size(): number {
    this.refresh();
    return this.#accounts.size;
  }

  find(username: string): Account | undefined {
    this.refresh();
    return this.#accounts.get(username);
  }

  usernames(): Iterable<string> {
    this.refresh();
    return this.#accounts.keys();
  }

  /** The user names of the accounts of one role (the buses of the fleet). */
  withRole(role: Account['role']): string[] {
    this.refresh();
    return [...this.#accounts.values()].filter((a) => a.role === role).map((a) => a.username);
  }

  /** Increases each time the accounts are read again: a watcher compares it with the last seen. */
  get version(): number {
    this.refresh();
    return this.#version;
  }

  /** Re-reads the file if it changed; true when the accounts changed. */
  refresh(): boolean {
    const stamp = this.#currentStamp();
    if (stamp === this.#stamp) return false;
    this.#stamp = stamp;
    try {
      this.#accounts = this.#index(readCredentials(this.#file));
      this.#version += 1;
      return true;
    } catch (error) {
      if (!(error instanceof CredentialsError)) throw error;
      this.#onProblem(error);
      return false;
    }
  }

  #index(credentials: CredentialsFile): Map<string, Account> {
    return new Map(credentials.accounts.map((account) => [account.username, account]));
  }

  #currentStamp(): string {
    try {
      const stat = statSync(this.#file);
      return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    } catch {
      return 'missing';
    }
  }
}
