// The plan file the bridge's config may name, read at start: a problem stops the
// bridge with exit 78 and one line naming the key and the file.
import { readFile } from 'node:fs/promises';
import { validatePayload, type PlanMessage } from '@fsbus/shared';
import { fileProblem } from '@fsbus/shared/node';

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
