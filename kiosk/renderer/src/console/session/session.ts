// The console's session: kept in this tab (sessionStorage: a reload keeps it, closing the tab
// forgets it), touched every minute while the console is open, and ended by logout, by central
// (a 401) or when its time is up.
import { SessionResponse } from '@fsbus/shared';
import { Api } from './api.js';

const STORAGE_KEY = 'fsbus-console-session';
/** How often an open console tells central it is still there, ms. */
export const TOUCH_EVERY_MS = 60_000;

export type SessionState =
  | { readonly kind: 'out'; readonly ended: boolean }
  | { readonly kind: 'in'; readonly session: SessionResponse; readonly api: Api };

export class SessionStore {
  #state: SessionState = { kind: 'out', ended: false };
  readonly #listeners = new Set<() => void>();
  #timer: ReturnType<typeof setInterval> | undefined;

  /** Takes up the session this tab had, if any (central says whether it still holds). */
  resume(): void {
    const saved = sessionStorage.getItem(STORAGE_KEY);
    if (saved === null) return;
    const parsed = SessionResponse.safeParse(JSON.parse(saved));
    if (parsed.success) this.begin(parsed.data);
    else sessionStorage.removeItem(STORAGE_KEY);
  }

  begin(session: SessionResponse): void {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    const api: Api = new Api({
      token: session.token,
      // Only this session's own 401 ends it (a late answer to an older one does not).
      ended: () => {
        if (this.#state.kind === 'in' && this.#state.api === api) this.#end(true);
      },
    });
    this.#set({ kind: 'in', session, api });
    clearInterval(this.#timer);
    const touch = () => {
      void api.get('/session', SessionResponse).catch(() => undefined);
    };
    touch();
    this.#timer = setInterval(touch, TOUCH_EVERY_MS);
  }

  /** Logs out: central ends the session, the console shows the login again. */
  async logOut(): Promise<void> {
    const state = this.#state;
    this.#end(false);
    if (state.kind === 'in') await state.api.logOut();
  }

  get state(): SessionState {
    return this.#state;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  #end(ended: boolean): void {
    clearInterval(this.#timer);
    sessionStorage.removeItem(STORAGE_KEY);
    if (this.#state.kind === 'out' && !ended) return;
    this.#set({ kind: 'out', ended });
  }

  #set(state: SessionState): void {
    this.#state = state;
    for (const listener of this.#listeners) listener();
  }
}
