// The bus's time as the driver display keeps it: its own clock, but a simulated bus
// (npm start --speed) lives on the bridge's simulated clock, which the bridge's status gives
// (its `ts` and `metrics.clock_speed`). Pure.
import type { StatusMessage } from '@fsbus/shared';

/** The bus's time now (ms), from the bridge's last status seen at `seenAt`, and `now`. */
export function busTime(
  bridge: StatusMessage | undefined,
  seenAt: number | undefined,
  now: number,
): number {
  const speed = bridge?.metrics.clock_speed;
  if (bridge === undefined || seenAt === undefined || speed === undefined) return now;
  if (bridge.state === 'offline') return now;
  return Date.parse(bridge.ts) + (now - seenAt) * speed;
}
