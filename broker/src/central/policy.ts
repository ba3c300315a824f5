// Who may read and write which topic at central: each bus in its own lane, staff read all,
// planners also publish plans.
import {
  CENTRAL_ALERTS_TOPIC,
  STREAMS,
  STREAM_SPECS,
  TOPIC_ROOT,
  isBusId,
  topicFilter,
  type CentralRole,
} from '@fsbus/shared';
import { ClientAcl, type Identity, type Policy, type Rule } from '../acl/policy.js';

const rule = (access: Rule['access'], filter: string): Rule => ({
  access,
  filter,
  origin: 'default',
});

/** Every fsbus topic of every bus. */
const FLEET = `${TOPIC_ROOT}/#`;

/**
 * Opinions, live: not for staff. Arriving a few seconds after the visit before them, they could
 * be paired with it; staff read opinions in reports, by stop and period.
 */
const LIVE_OPINIONS = topicFilter('opinion', '+');

/**
 * What a bus sends to central: every stream of its lane but the plan, which central sends, and
 * those that stay on board.
 */
const UPLINK_STREAMS = STREAMS.filter(
  (stream) =>
    STREAM_SPECS[stream].delivery !== 'downlink' && STREAM_SPECS[stream].delivery !== 'on-board',
);

const ROLE_RULES: Record<CentralRole, (username: string) => Rule[]> = {
  // A bus writes its own lane and reads its own plan; the judge also checks that the envelope's
  // busId is the topic's.
  bus: (busId) => [
    ...UPLINK_STREAMS.map((stream) => rule('write', topicFilter(stream, busId))),
    rule('read', topicFilter('plan', busId)),
  ],
  staff: () => [
    rule('deny', LIVE_OPINIONS),
    rule('read', FLEET),
    rule('read', CENTRAL_ALERTS_TOPIC),
  ],
  planner: () => [
    rule('deny', LIVE_OPINIONS),
    rule('read', FLEET),
    rule('read', CENTRAL_ALERTS_TOPIC),
    rule('write', topicFilter('plan', '+')),
  ],
};

function isCentralRole(role: string): role is CentralRole {
  return role in ROLE_RULES;
}

export class CentralPolicy implements Policy {
  for(identity: Identity): ClientAcl {
    const { username, role } = identity;
    // Central has no anonymous clients, and a bus's name must be a bus id to have a lane.
    if (username === null || !isCentralRole(role)) return new ClientAcl(role, []);
    if (role === 'bus' && !isBusId(username)) return new ClientAcl(role, []);
    return new ClientAcl(role, ROLE_RULES[role](username));
  }
}
