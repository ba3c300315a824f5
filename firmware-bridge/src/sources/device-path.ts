// Waits for a local device path to exist again (a USB receiver plugged back, a by-id symlink
// re-pointed to a new device node), so that it is opened the moment it appears: opening a local
// path costs nothing, and a backoff meant for network peers only made a long unplug cost minutes.
import { existsSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

/** The steady check behind the folder watch (events can be missed: inotify limits, a race). */
export const DEVICE_CHECK_MS = 1000;

export interface DeviceWait {
  /** Stops waiting: nothing is called after this. */
  cancel(): void;
}

/** The folder itself if it exists, else its nearest existing ancestor. */
function nearestExisting(folder: string): string {
  let current = folder;
  while (!existsSync(current)) {
    const parent = path.dirname(current);
    if (parent === current) return current;
    current = parent;
  }
  return current;
}

/**
 * Calls `appeared` once `devicePath` exists (a symlink counts once its target does), never
 * synchronously. It watches the path's folder, or its nearest existing ancestor while the folder
 * is missing (udev removes `/dev/serial/by-id` with the last USB serial device), and checks every
 * `checkMs` as well.
 */
export function whenPresent(
  devicePath: string,
  appeared: () => void,
  checkMs = DEVICE_CHECK_MS,
): DeviceWait {
  let done = false;
  let watcher: FSWatcher | undefined;
  let watched: string | undefined;

  const finish = () => {
    done = true;
    clearInterval(timer);
    watcher?.close();
    watcher = undefined;
  };
  const check = () => {
    if (done) return;
    if (existsSync(devicePath)) {
      finish();
      appeared();
      return;
    }
    const folder = nearestExisting(path.dirname(devicePath));
    if (folder === watched) return;
    watcher?.close();
    watcher = undefined;
    watched = folder;
    try {
      watcher = watch(folder, { persistent: false }, check);
      watcher.on('error', () => {
        // The folder went away: the next check watches its parent.
        watcher?.close();
        watcher = undefined;
        watched = undefined;
      });
    } catch {
      // No watch (inotify exhausted, a folder that cannot be read): the steady check remains.
      watched = undefined;
    }
    // What appeared between the check above and the new watch would raise no event.
    if (existsSync(devicePath)) check();
  };
  const timer = setInterval(check, checkMs);
  timer.unref();
  setImmediate(check);
  return { cancel: finish };
}
