// One JSON state file, replaced atomically: write a temporary file, fsync it, rename it over the
// old one, fsync the folder. A power cut at any point leaves the old file or the new one.
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';

/** Writes `text` to `file` atomically (see above). */
export async function replaceFile(file: string, text: string): Promise<void> {
  const dir = path.dirname(file);
  const temporary = `${file}.tmp`;
  await mkdir(dir, { recursive: true });
  const handle = await open(temporary, 'w', 0o644);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
  // The rename lives in the folder: without this, a power cut may still undo it.
  const folder = await open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

/** Reads a JSON file; undefined when it does not exist. Throws on other errors and bad JSON. */
export async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return JSON.parse(text) as unknown;
}

/** Saves a value at most once per `windowMs`, the latest one winning, writes never overlapping. */
export class StateFile<T> {
  readonly file: string;
  readonly #windowMs: number;
  readonly #onError: (error: unknown) => void;
  #pending: T | undefined;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(options: { file: string; windowMs: number; onError: (error: unknown) => void }) {
    this.file = options.file;
    this.#windowMs = options.windowMs;
    this.#onError = options.onError;
  }

  /** Schedules a save of `value` (spares the SD card: one write per window). */
  save(value: T): void {
    this.#pending = value;
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.#windowMs);
  }

  /** Writes the pending value now (at stop). */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const value = this.#pending;
    this.#pending = undefined;
    if (value === undefined) return this.#writing;
    this.#writing = this.#writing
      .then(() => replaceFile(this.file, `${JSON.stringify(value)}\n`))
      .catch(this.#onError);
    return this.#writing;
  }
}
