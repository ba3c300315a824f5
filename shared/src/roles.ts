// The roles a client can hold on an fsbus broker.
import { z } from 'zod';

export const ROLES = {
  bridge: 'the on-board bridge: sensors, stop state, occupancy, queue, and relay of the plan',
  kiosk: 'a visitor kiosk: publishes visits and opinions',
  driver: 'the driver / adviser display: reads the bus, publishes queue and occupancy commands',
  monitor: 'read-only tools (dashboards, mosquitto_sub)',
  bus: 'a bus at central: publishes under its own id only, reads its own plan',
  staff: 'central staff: reads every bus',
  planner: 'central staff who also publish day plans',
} as const;

export type Role = keyof typeof ROLES;
export const Role = z.enum(Object.keys(ROLES) as [Role, ...Role[]]);

/** The roles of the on-board broker's accounts. */
export const ON_BOARD_ROLES = [
  'bridge',
  'kiosk',
  'driver',
  'monitor',
] as const satisfies readonly Role[];
export const OnBoardRole = z.enum(ON_BOARD_ROLES);
export type OnBoardRole = z.infer<typeof OnBoardRole>;

/** The roles of the central broker's accounts. */
export const CENTRAL_ROLES = ['bus', 'staff', 'planner'] as const satisfies readonly Role[];
export const CentralRole = z.enum(CENTRAL_ROLES);
export type CentralRole = z.infer<typeof CentralRole>;
