// The fleet now for the screen: the API's snapshot (again every minute, which also brings in
// the new day's counts), the live messages applied on top in batches of a few per second, and
// the alerts as central publishes them.
import { useEffect, useState } from 'react';
import {
  AlertsResponse,
  FleetResponse,
  SessionResponse,
  type Alert,
  type DecodedMessage,
} from '@fsbus/shared';
import { FleetLink } from '../live/fleet-link.js';
import type { Api } from '../session/api.js';
import { applyMessage, fleetOf, mergeSnapshot, type Fleet } from './model/fleet.js';

/** How often the snapshot is read again, ms. */
const SNAPSHOT_EVERY_MS = 60_000;
/** Live messages are applied together at most this often, ms (150 buses at 1 Hz each). */
const BATCH_MS = 250;

export interface FleetNow {
  readonly fleet: Fleet;
  readonly alerts: readonly Alert[];
  readonly loaded: boolean;
  readonly error: string | null;
  readonly live: boolean;
}

export function useFleet(api: Api, session: SessionResponse): FleetNow {
  const [state, setState] = useState<FleetNow>({
    fleet: new Map(),
    alerts: [],
    loaded: false,
    error: null,
    live: false,
  });
  useEffect(() => {
    let stopped = false;
    let pending: { decoded: DecodedMessage; at: number }[] = [];
    let flush: ReturnType<typeof setTimeout> | undefined;
    const applyPending = () => {
      flush = undefined;
      const batch = pending;
      pending = [];
      setState((now) => {
        let fleet = now.fleet;
        for (const { decoded, at } of batch) fleet = applyMessage(fleet, decoded, at);
        return { ...now, fleet };
      });
    };
    const snapshot = async () => {
      try {
        const [fleet, alerts] = await Promise.all([
          api.get('/fleet', FleetResponse),
          api.get('/alerts', AlertsResponse),
        ]);
        if (stopped) return;
        setState((now) => ({
          ...now,
          fleet: now.loaded ? mergeSnapshot(now.fleet, fleet.buses) : fleetOf(fleet.buses),
          alerts: alerts.alerts,
          loaded: true,
          error: null,
        }));
      } catch (error) {
        if (!stopped) setState((now) => ({ ...now, error: (error as Error).message }));
      }
    };
    void snapshot();
    const timer = setInterval(() => void snapshot(), SNAPSHOT_EVERY_MS);
    const link = new FleetLink({
      username: session.username,
      token: session.token,
      onMessage: (decoded) => {
        pending.push({ decoded, at: Date.now() });
        flush ??= setTimeout(applyPending, BATCH_MS);
      },
      onAlerts: (alerts) => {
        setState((now) => ({ ...now, alerts }));
      },
      onConnected: (live) => {
        setState((now) => ({ ...now, live }));
      },
      // A refused login means the session ended: central's 401 takes the console to its login.
      onRefused: () => {
        void api.get('/session', SessionResponse).catch(() => undefined);
      },
    });
    return () => {
      stopped = true;
      clearInterval(timer);
      clearTimeout(flush);
      link.close();
    };
  }, [api, session]);
  return state;
}
