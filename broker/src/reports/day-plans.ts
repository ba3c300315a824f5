// The fleet's plans of one service day: each bus's latest plan for that day (whole, as it was
// published) and whether the bus acknowledged it, for the console's plans screen.
import type { PlanMessage } from '@fsbus/shared';
import type { RecorderStore } from '../recorder/store.js';

export interface BusPlan {
  readonly busId: string;
  /** The latest plan published for the day, its envelope included; null: none. */
  readonly plan: PlanMessage | null;
  readonly publishedAt: string | null;
  readonly acknowledged: {
    readonly outcome: string;
    readonly reason: string | null;
    readonly ts: string;
  } | null;
}

/** Each bus's plan of `date` (`YYYY-MM-DD`), in bus id order. */
export async function dayPlans(
  store: RecorderStore,
  busIds: Iterable<string>,
  date: string,
): Promise<BusPlan[]> {
  const plans = await store.query<{ busId: string; body: string; ts: string; seq: number }>(
    `SELECT bus_id AS "busId", body, ts, seq FROM plans WHERE date = ? ORDER BY bus_id, seq`,
    [date],
  );
  const latest = new Map<string, { body: string; ts: string }>();
  for (const row of plans) latest.set(row.busId, row);
  const acks = await store.query<{
    busId: string;
    planId: string;
    outcome: string;
    reason: string | null;
    ts: string;
  }>(
    `SELECT bus_id AS "busId", plan_id AS "planId", outcome, reason, ts FROM plan_acks
     WHERE date = ? ORDER BY ts`,
    [date],
  );
  const buses = new Set([...busIds, ...latest.keys()]);
  return [...buses].sort().map((busId) => {
    const row = latest.get(busId);
    const plan = row ? (JSON.parse(row.body) as PlanMessage) : null;
    const ack = plan
      ? acks.filter((a) => a.busId === busId && a.planId === plan.planId).at(-1)
      : undefined;
    return {
      busId,
      plan,
      publishedAt: row?.ts ?? null,
      acknowledged: ack ? { outcome: ack.outcome, reason: ack.reason, ts: ack.ts } : null,
    };
  });
}
