// Door counts in the shape of automatic passenger counting standards: one message per door
// event, as Waltti-APC (MQTT, UUID message id, counts per door and class) and ITxPT's APC
// service (per door, in and out, count quality) describe them.
import type { RecorderStore } from '../recorder/store.js';
import type { Period } from '../reports/period.js';

export interface ApcMessage {
  readonly APC: {
    readonly schemaVersion: '1-1-0';
    /** The counting system: the bus. */
    readonly countingSystemId: string;
    /** The door event's envelope id (UUID). */
    readonly messageId: string;
    /** When the bridge derived the counts, UTC. */
    readonly tst: string;
    /** The planned stop, null off plan. */
    readonly stopId: string | null;
    readonly vehiclecounts: {
      /** regular: counted normally; defect: the sensor was blocked or silent meanwhile. */
      readonly countquality: 'regular' | 'defect';
      readonly doorcounts: readonly {
        readonly door: string;
        /** The counter does not tell adults from children or bikes: one class, `other`. */
        readonly count: readonly {
          readonly class: 'other';
          readonly in: number;
          readonly out: number;
        }[];
      }[];
    };
  };
}

/** The door events of a period (some buses, or all), oldest first. */
export async function apcMessages(
  store: RecorderStore,
  period: Period,
  buses: readonly string[],
): Promise<ApcMessage[]> {
  const filter = buses.length === 0 ? '' : ` AND bus_id IN (${buses.map(() => '?').join(', ')})`;
  const rows = await store.query<{
    id: string;
    busId: string;
    ts: string;
    door: number;
    countIn: number;
    countOut: number;
    quality: string;
    stopId: string | null;
  }>(
    `SELECT id, bus_id AS "busId", ts, door, count_in AS "countIn", count_out AS "countOut",
       quality, stop_id AS "stopId"
     FROM door_counts WHERE ts >= ? AND ts < ?${filter} ORDER BY ts, bus_id, door`,
    [period.from, period.to, ...buses],
  );
  return rows.map((row) => ({
    APC: {
      schemaVersion: '1-1-0',
      countingSystemId: row.busId,
      messageId: row.id,
      tst: row.ts,
      stopId: row.stopId,
      vehiclecounts: {
        countquality: row.quality === 'ok' ? 'regular' : 'defect',
        doorcounts: [
          {
            door: `door${String(row.door)}`,
            count: [{ class: 'other', in: row.countIn, out: row.countOut }],
          },
        ],
      },
    },
  }));
}
