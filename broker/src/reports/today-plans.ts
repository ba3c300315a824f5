// Each bus's plan for a service day, with its bounds and acknowledgement: what alerts need.
import type { RecorderStore } from '../recorder/store.js';
import type { TodayPlan } from './alerts.js';

/** The latest plan of each bus for `date`, by bus id. */
export async function plansOf(store: RecorderStore, date: string): Promise<Map<string, TodayPlan>> {
  const plans = await store.query<{ id: string; busId: string; planId: string; seq: number }>(
    `SELECT id, bus_id AS "busId", plan_id AS "planId", seq FROM plans WHERE date = ? ORDER BY seq`,
    [date],
  );
  const latest = new Map<string, { id: string; planId: string }>();
  for (const plan of plans) latest.set(plan.busId, plan);
  const result = new Map<string, TodayPlan>();
  for (const [busId, plan] of latest) {
    const stops = await store.query<{ arrival: string; departure: string }>(
      'SELECT arrival, departure FROM plan_stops WHERE plan_message_id = ? ORDER BY position',
      [plan.id],
    );
    const first = stops[0];
    const last = stops.at(-1);
    if (!first || !last) continue;
    const acks = await store.query<{ n: number | string }>(
      `SELECT count(*) AS n FROM plan_acks
       WHERE bus_id = ? AND plan_id = ? AND date = ? AND outcome = 'accepted'`,
      [busId, plan.planId, date],
    );
    result.set(busId, {
      planId: plan.planId,
      firstArrival: first.arrival,
      lastDeparture: last.departure,
      acknowledged: Number(acks[0]?.n ?? 0) > 0,
    });
  }
  return result;
}
