// The files the bridge's config names (passwords, a plan), read at start: a problem stops the
// bridge with exit 78 and one line naming the key and the file.
import { readFile } from 'node:fs/promises';
import { validatePayload, type PlanMessage } from '@fsbus/shared';
import { ConfigError } from '@fsbus/shared/node';

/** A startup problem with a file the config names: exit 78, one line saying which and why. */
export function fileProblem(
  key: string,
  file: string,
  expected: string,
  found: string,
): ConfigError {
  return new ConfigError([{ source: 'config', path: key, expected, found: `${file}: ${found}` }]);
}

/** Reads a password file named by config key `key`, or refuses to start saying which file. */
export async function readSecret(key: string, file: string | null): Promise<string | null> {
  if (file === null) return null;
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    throw fileProblem(key, file, 'a readable file', (error as Error).message);
  }
}

/** Loads stops.planFile (a plan message as JSON), or refuses to start saying what is wrong. */
export async function readPlanFile(file: string, busId: string): Promise<PlanMessage> {
  const expected = `a plan message (JSON) for bus ${busId}`;
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw fileProblem('stops.planFile', file, expected, (error as Error).message);
  }
  try {
    const plan = validatePayload('plan', data);
    if (plan.busId !== busId) throw new Error(`busId ${plan.busId}`);
    return plan;
  } catch (error) {
    throw fileProblem('stops.planFile', file, expected, (error as Error).message);
  }
}
