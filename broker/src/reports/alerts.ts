// Alerts from the fleet's state: pure rules over each bus now and its plan for today.
import type { Alert } from '@fsbus/shared';
import type { BusNow } from './fleet.js';

export interface AlertThresholds {
  /** A bus in service silent for longer than this is an alert, ms. */
  readonly silentMs: number;
  /** Later than this at a stop is an alert, s. */
  readonly lateS: number;
  /** An outbox event older than this is an alert, s. */
  readonly backlogS: number;
}

/** A bus's plan for today, with its bounds and whether the bus acknowledged it. */
export interface TodayPlan {
  readonly planId: string;
  readonly firstArrival: string;
  readonly lastDeparture: string;
  readonly acknowledged: boolean;
}

/** Ahead of its first stop, a bus on its way counts as in service for this long. */
const IN_SERVICE_BEFORE_MS = 60 * 60 * 1000;

/** Sensor alarms of the bridge: the GNSS receiver and the door counter. */
const SENSOR_ALARM = /^(gnss|counter)_/;

/** Every alert of one bus now. */
export function alertsOf(
  bus: BusNow,
  plan: TodayPlan | null,
  now: number,
  thresholds: AlertThresholds,
): Alert[] {
  const alerts: Alert[] = [];
  const { busId } = bus;
  if (plan !== null) {
    const start = Date.parse(plan.firstArrival);
    const inService = now >= start - IN_SERVICE_BEFORE_MS && now <= Date.parse(plan.lastDeparture);
    const heard = bus.lastSeen === null ? null : Date.parse(bus.lastSeen);
    if (inService && (heard === null || now - heard > thresholds.silentMs)) {
      alerts.push({
        code: 'bus_silent',
        busId,
        since: bus.lastSeen,
        detail:
          heard === null
            ? 'never heard from'
            : `silent for ${String(Math.round((now - heard) / 60_000))} min`,
      });
    }
    if (!plan.acknowledged && now >= start) {
      alerts.push({
        code: 'plan_not_acknowledged',
        busId,
        since: new Date(start).toISOString(),
        detail: `plan ${plan.planId} not acknowledged`,
      });
    }
  }
  const stop = bus.stop;
  if (
    stop !== null &&
    (stop.state === 'en_route' || stop.state === 'arrived') &&
    stop.delayS !== null &&
    stop.delayS > thresholds.lateS
  ) {
    const where = stop.state === 'arrived' ? stop.current : stop.next;
    alerts.push({
      code: 'late_at_stop',
      busId,
      since: stop.ts,
      detail: `${String(Math.round(stop.delayS / 60))} min late${where ? ` at ${where.name} (${where.stopId})` : ''}`,
    });
  }
  for (const [service, status] of Object.entries(bus.services)) {
    const alarms = status.alarms.filter((alarm) => SENSOR_ALARM.test(alarm));
    if (alarms.length === 0 || status.state === 'offline') continue;
    alerts.push({
      code: 'sensor_unhealthy',
      busId,
      since: status.receivedAt,
      detail: `${service}: ${alarms.join(', ')}`,
    });
  }
  const age = bus.backlog?.oldestEventAgeS ?? null;
  if (age !== null && age > thresholds.backlogS) {
    alerts.push({
      code: 'backlog_old',
      busId,
      since: null,
      detail: `oldest event waiting ${String(Math.round(age / 3600))} h, ${String(bus.backlog?.events ?? 0)} events`,
    });
  }
  return alerts;
}
