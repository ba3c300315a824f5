// The console's calls to fsbus-central's staff API (same origin): each answer read through its
// schema from @fsbus/shared; a 401 means the session ended, which the console shows as such.
import type { z } from 'zod';
import { API_PREFIX, SessionResponse } from '@fsbus/shared';

/** A call central refused or could not answer: its status and central's own words. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function failure(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => null)) as { error?: unknown } | null;
  const said = typeof body?.error === 'string' ? body.error : response.statusText;
  return new ApiError(response.status, said);
}

/** Logs in; resolves to the new session, rejects with an ApiError (401: wrong password...). */
export async function logIn(username: string, password: string): Promise<SessionResponse> {
  const response = await fetch(`${API_PREFIX}/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) throw await failure(response);
  return SessionResponse.parse(await response.json());
}

export interface ApiOptions {
  readonly token: string;
  /** Central said the session ended (401). */
  readonly ended: () => void;
}

/** The API with a session's token. */
export class Api {
  readonly #options: ApiOptions;

  constructor(options: ApiOptions) {
    this.#options = options;
  }

  /** GETs `path` (under /api/v1) and reads the answer with `schema`. */
  async get<Schema extends z.ZodType>(path: string, schema: Schema): Promise<z.infer<Schema>> {
    const response = await this.#fetch(path);
    return schema.parse(await response.json());
  }

  /** GETs `path` as a file (a CSV): its bytes and the name central gives it. */
  async download(path: string): Promise<{ blob: Blob; filename: string }> {
    const response = await this.#fetch(path);
    const disposition = response.headers.get('content-disposition') ?? '';
    const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'fsbus.csv';
    return { blob: await response.blob(), filename };
  }

  /** Ends the session at central (logout). */
  async logOut(): Promise<void> {
    await fetch(`${API_PREFIX}/session`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${this.#options.token}` },
    }).catch(() => undefined);
  }

  async #fetch(path: string): Promise<Response> {
    const response = await fetch(`${API_PREFIX}${path}`, {
      headers: { authorization: `Bearer ${this.#options.token}` },
    });
    if (response.status === 401) this.#options.ended();
    if (!response.ok) throw await failure(response);
    return response;
  }
}
