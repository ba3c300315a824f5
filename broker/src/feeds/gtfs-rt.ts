// GTFS-Realtime VehiclePositions of the fleet (gtfs-realtime-bindings, its only importer):
// position, current status (STOPPED_AT a stop, IN_TRANSIT_TO the next) and occupancy.
import GtfsRealtimeBindings from 'gtfs-realtime-bindings';
import type { BusNow } from '../reports/fleet.js';

const { transit_realtime: rt } = GtfsRealtimeBindings;
const { VehicleStopStatus, OccupancyStatus } = rt.VehiclePosition;

/** A position older than this is left out of the feed (the bus is not moving on a map), ms. */
export const STALE_POSITION_MS = 60 * 60 * 1000;

/**
 * The occupancy a traveller reads from the people on board: a Bus France services vehicle is a
 * counter on wheels, with a few seats; no one aboard is EMPTY, else MANY_SEATS_AVAILABLE up to
 * `seats`, FEW_SEATS_AVAILABLE beyond, NO_DATA_AVAILABLE when the count is unknown.
 */
function occupancy(onBoard: number | null, seats: number) {
  if (onBoard === null) return OccupancyStatus.NO_DATA_AVAILABLE;
  if (onBoard === 0) return OccupancyStatus.EMPTY;
  return onBoard < seats
    ? OccupancyStatus.MANY_SEATS_AVAILABLE
    : OccupancyStatus.FEW_SEATS_AVAILABLE;
}

/** The VehiclePositions feed message of the fleet now. */
export function vehiclePositions(buses: readonly BusNow[], now: number, seats = 6) {
  const entity = buses.flatMap((bus) => {
    const { position, stop } = bus;
    if (position === null || now - Date.parse(position.ts) > STALE_POSITION_MS) return [];
    const stopped = stop?.state === 'arrived' && stop.current !== null;
    const heading = stop !== null && !stopped ? stop.next : null;
    return [
      {
        id: bus.busId,
        vehicle: {
          vehicle: { id: bus.busId, label: bus.busId },
          position: {
            latitude: position.lat,
            longitude: position.lon,
            ...(position.track === null ? {} : { bearing: position.track }),
            ...(position.speed === null ? {} : { speed: position.speed }),
          },
          timestamp: Math.floor(Date.parse(position.ts) / 1000),
          ...(stopped
            ? { currentStatus: VehicleStopStatus.STOPPED_AT, stopId: stop.current.stopId }
            : heading
              ? { currentStatus: VehicleStopStatus.IN_TRANSIT_TO, stopId: heading.stopId }
              : {}),
          occupancyStatus: occupancy(bus.onBoard, seats),
        },
      },
    ];
  });
  return rt.FeedMessage.fromObject({
    header: {
      gtfsRealtimeVersion: '2.0',
      incrementality: rt.FeedHeader.Incrementality.FULL_DATASET,
      timestamp: Math.floor(now / 1000),
    },
    entity,
  });
}

/** The feed as protobuf bytes (application/x-protobuf). */
export function encodeFeed(feed: ReturnType<typeof vehiclePositions>): Uint8Array {
  return rt.FeedMessage.encode(feed).finish();
}

/** The feed as JSON, enum names as text (the GTFS-RT JSON convention). */
export function feedJson(feed: ReturnType<typeof vehiclePositions>): Record<string, unknown> {
  return rt.FeedMessage.toObject(feed, { enums: String, longs: Number });
}
