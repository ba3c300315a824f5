// fsbus-bridge: wires the GNSS source, the fix filter, the thinning, the stop tracker, the plan
// keeper and store, the door counter, the visitor side (queue, attendance), the delivery to
// central and the on-board MQTT link from the config; the only place that knows them all.
import path from 'node:path';
import {
  MessageFactory,
  ProtocolError,
  STREAM_SPECS,
  StatusReporter,
  decodeMessage,
  statusTopic,
  topicFor,
  type BodyOf,
  type MessageOf,
  type Config,
  type PlanMessage,
  type Stream,
} from '@fsbus/shared';
import type { Logger, Running } from '@fsbus/shared/node';
import type { Fix } from './domain/fix.js';
import { FixFilter, REJECTIONS } from './domain/fix-filter.js';
import { gnssBody } from './domain/gnss-message.js';
import { StopTracker, type StopTransition } from './domain/stop-tracker.js';
import { Thinning } from './domain/thinning.js';
import { OnboardLink } from './mqtt/onboard-link.js';
import { createSource } from './sources/create-source.js';
import type { GnssState } from './sources/position-source.js';
import { tourPlan } from './sources/simulator/tour-plan.js';
import { SimulatedClock } from './sources/simulator/sim-clock.js';
import { PlanStore } from './store/plan-store.js';
import { startCounterPipeline, type CounterPipeline } from './counter-pipeline.js';
import { distanceM } from './domain/geo.js';
import { readSecret } from '@fsbus/shared/node';
import { readPlanFile } from './config-files.js';
import {
  openOutbox,
  startCentralDelivery,
  type CentralDelivery,
  type CentralMessage,
} from './central-delivery.js';
import { OutboxError } from './outbox/outbox.js';
import { SeqBlocks } from './outbox/seq-blocks.js';
import { VisitorSide } from './visitor-side.js';
import { PlanKeeper } from './plan-keeper.js';

export interface BridgeOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly version: string;
  /** The system clock, ms (tests drive it). */
  readonly now?: () => number;
}

export interface RunningBridge extends Running {
  /** The numbers the status reports. */
  metrics(): Record<string, number>;
}

/** How often the tracker is asked about changes due to time alone, and the stop republished. */
const TICK_MS = 1000;
const STOP_REPORT_MS = 30_000;
/** Streams the kiosk and the driver publish on board that the bridge delivers to central. */
const INGESTED = ['visit', 'opinion', 'cmd/queue', 'cmd/occupancy'] as const;
/** The service day's time zone until a plan names one. */
const DEFAULT_TIME_ZONE = 'Europe/Paris';
/** In simulation, how long the retained plan may take to arrive before the tour is made. */
const TOUR_PLAN_AFTER_MS = 2000;

export async function startBridge({
  config,
  logger,
  version,
  now: givenNow,
}: BridgeOptions): Promise<RunningBridge> {
  const { busId, gnss, stops } = config;
  // A simulated bus may live its day faster, from a given time: everything here follows.
  const { speed, startAt } = gnss.simulator;
  const simulated =
    givenNow === undefined && gnss.source === 'simulator' && (speed !== 1 || startAt !== null)
      ? new SimulatedClock({
          speed,
          startAt,
          timeZone: DEFAULT_TIME_ZONE,
          file: path.join(config.dataDir, 'bridge', 'sim-clock.json'),
        })
      : null;
  const now = givenNow ?? simulated?.now ?? Date.now;
  if (simulated !== null) {
    logger.info(
      { speed, simulatedTime: new Date(now()).toISOString() },
      'simulated clock: the bridge lives its day at this speed',
    );
  }
  const password = await readSecret('bridge.passwordFile', config.bridge.passwordFile);
  const filePlan = stops.planFile === null ? null : await readPlanFile(stops.planFile, busId);
  // The outbox first: the bridge's seqs and its counter's state are kept in it.
  const opened = openOutbox({ config, logger, now });
  const factory = new MessageFactory({
    busId,
    source: 'bridge',
    clock: () => new Date(now()),
    seqs: new SeqBlocks(opened.outbox, logger.child({ component: 'outbox' })),
  });

  const counters = new Map<string, number>();
  const count = (name: string, amount = 1) => {
    counters.set(name, (counters.get(name) ?? 0) + amount);
  };

  // The plan, and the tracker's progress, survive restarts.
  const planStore = new PlanStore({ dir: path.join(config.dataDir, 'bridge') });
  const loaded = await planStore.load();
  if (loaded.error) {
    count('plan_store_errors');
    logger.error({ err: loaded.error.message }, 'saved plan unusable: starting without it');
  }
  const tracker = new StopTracker(
    {
      radiusM: stops.radiusM,
      arriveSpeedMps: stops.arriveSpeedMps,
      arriveAfterS: stops.arriveAfterS,
      departRadiusFactor: stops.departRadiusFactor,
      departSpeedMps: stops.departSpeedMps,
      departAfterS: stops.departAfterS,
      offPlanAfterS: stops.offPlanAfterS,
    },
    loaded.stored.snapshot ?? undefined,
  );
  const savePlan = () => {
    planStore
      .save({ plan: plans.current, snapshot: tracker.snapshot() })
      .catch((error: unknown) => {
        count('plan_store_errors');
        logger.error({ err: (error as Error).message }, 'cannot save the plan and progress');
      });
  };
  // The plan followed; what a new one sets going is wired here.
  const plans = new PlanKeeper({
    logger,
    filePlan,
    count,
    onPlan: (next) => {
      // A transition publishes the stop and saves; without one, the new plan still needs both.
      if (!onTransition(tracker.setPlan(next, now()))) {
        savePlan();
        publishStop();
      }
      // The plan's time zone may start another service day.
      visitors.tick();
    },
    publishOnBoard: (body) => {
      publish('plan', body);
    },
    acknowledge: (body) => {
      publishBoth('plan/ack', body);
    },
  });

  const filter = new FixFilter({
    maxHdop: gnss.filter.maxHdop,
    maxSpeedMps: gnss.filter.maxSpeedMps,
    maxReportedSpeedMps: gnss.filter.maxReportedSpeedMps,
    maxClockSkewMs: gnss.filter.maxClockSkewS * 1000,
  });
  const thinning = new Thinning({
    intervalMs: gnss.thinning.intervalS * 1000,
    distanceM: gnss.thinning.distanceM,
    headingDeg: gnss.thinning.headingDeg,
  });

  let gnssState: GnssState = 'no_device';
  let noDeviceSince: number | null = now();
  let lastFixAt: number | null = null;
  let clockSkewed = false;
  let started = false;
  let central: CentralDelivery;
  // Central's plan may come before the rest is wired: the latest waits for it.
  const downlink: {
    take: ((topic: string, payload: Buffer) => void) | null;
    waiting: { topic: string; payload: Buffer } | null;
  } = { take: null, waiting: null };
  try {
    central = await startCentralDelivery({
      config,
      opened,
      factory,
      version,
      logger,
      now,
      onDownlink: (topic, payload) => {
        if (downlink.take) downlink.take(topic, payload);
        else downlink.waiting = { topic, payload };
      },
      onHealth: () => {
        if (started) reporter.reportNow().catch(reportFailed);
      },
    });
  } catch (error) {
    opened.outbox.close();
    throw error;
  }

  /** A stamped message, or null when its body breaks the schema (a bug: counted and logged). */
  const stamp = <S extends Stream>(stream: S, body: BodyOf<S>): CentralMessage | null => {
    let message: MessageOf<S>;
    try {
      message = factory.create(stream, body);
    } catch (error) {
      // A bug, not bad input: the message is not sent, and the status shows it.
      count('invalid_messages');
      logger.error({ stream, err: (error as Error).message }, 'message refused by its schema');
      return null;
    }
    return {
      stream,
      topic: topicFor(stream, busId),
      id: message.id,
      payload: JSON.stringify(message),
    };
  };
  const publishOnBoard = (message: CentralMessage) => {
    const { qos, retain } = STREAM_SPECS[message.stream];
    void link.publish(message.topic, message.payload, { qos, retain });
  };
  /** Publishes on board; returns the message, to hand it to central too when it goes there. */
  const publish = <S extends Stream>(stream: S, body: BodyOf<S>): CentralMessage | null => {
    const message = stamp(stream, body);
    if (message !== null) publishOnBoard(message);
    return message;
  };
  /**
   * Commits to the outbox first, then publishes on board: the door counts. What the counter
   * staged in the same tick (the totals and occupancy the message was computed from) is in the
   * same transaction, so after a crash the bridge resumes from exactly what it published.
   */
  const publishCommitted = <S extends Stream>(stream: S, body: BodyOf<S>) => {
    const message = stamp(stream, body);
    if (message === null) return;
    central.commit(message).then(
      () => {
        publishOnBoard(message);
      },
      (error: unknown) => {
        // Refused (the outbox says why): the people were counted; the screens still see it.
        if (!(error instanceof OutboxError && error.code === 'closed')) publishOnBoard(message);
      },
    );
  };
  /** Publishes on board and sends to central (through the outbox). */
  const publishBoth = <S extends Stream>(stream: S, body: BodyOf<S>) => {
    const message = publish(stream, body);
    if (message !== null) central.send(message);
  };
  const publishStop = () => {
    publish('stop', tracker.view(now()));
  };
  /** The planned stop the bus stands at, or null. */
  const currentStopId = () => {
    const view = tracker.view(now());
    return view.state === 'arrived' ? (view.current?.stopId ?? null) : null;
  };
  // Set once the link and the status exist (the counter publishes through them).
  let counter: CounterPipeline | null = null;
  const onTransition = (transition: StopTransition | null): boolean => {
    if (!transition) return false;
    counter?.atStop(currentStopId());
    count('stop_transitions');
    logger.info(
      { from: transition.from, to: transition.to, stopId: transition.stopId },
      'stop state changed',
    );
    // Transitions are events for central; the periodic repeats stay on board.
    publishBoth('stop', tracker.view(now()));
    savePlan();
    return true;
  };
  const outboxState = {
    read: (key: string) => opened.outbox.readState(key),
    stage: (key: string, value: string) => {
      opened.outbox.stage(key, value);
    },
  };
  // The plan the bridge starts with (set once all is wired, below) judges the service day from
  // the start: the keepers start their day before it is set.
  const startPlan = filePlan ?? loaded.stored.plan;
  const timeZone = () => (plans.current ?? startPlan)?.timeZone ?? DEFAULT_TIME_ZONE;
  // The queue and the day's attendance, from the kiosks' and the driver's messages.
  const visitors = new VisitorSide({
    logger,
    now,
    simulated: simulated !== null,
    stopId: currentStopId,
    timeZone,
    state: outboxState,
    publishQueue: (body) => {
      publishBoth('queue', body);
    },
    publishAttendance: (body) => {
      publish('attendance', body);
    },
  });
  const via = gnss.source === 'serial' ? 'nmea' : gnss.source;
  const onFix = (fix: Fix) => {
    const at = now();
    count('fixes_received');
    const verdict = filter.judge(fix, at);
    if (!verdict.ok) {
      count(`fixes_rejected_${verdict.reason}`);
      logger.debug({ reason: verdict.reason, detail: verdict.detail }, 'fix dropped');
      return;
    }
    count('fixes_accepted');
    lastFixAt = at;
    clockSkewed = verdict.clockSkewed;
    if (verdict.clockSkewed) count('fixes_clock_skewed');
    const { accepted } = verdict;
    const published = publish('gnss', gnssBody(accepted, via));
    // Nobody is on board at the depot, whatever the counter missed during the day.
    const depot = plans.current?.depot ?? null;
    counter?.inDepot(depot !== null && distanceM(accepted.fix, depot) <= depot.radiusM);
    const changed = onTransition(
      tracker.update({
        at,
        lat: accepted.fix.lat,
        lon: accepted.fix.lon,
        speed: accepted.fix.speed,
      }),
    );
    const reason = thinning.take({ at, ...accepted.fix }, changed);
    if (reason !== null && published !== null) {
      central.send(published);
      count('gnss_to_central');
      count(`gnss_to_central_${reason}`);
    }
  };
  // No receiver for gnss.noDeviceAlarmS raises gnss_no_device: the status says so then, not at
  // the next 30 s report.
  const noDeviceAlarmMs = gnss.noDeviceAlarmS * 1000;
  let noDeviceAlarm: NodeJS.Timeout | undefined;
  const armNoDeviceAlarm = () => {
    clearTimeout(noDeviceAlarm);
    // A few ms late, so that the alarm is due when the report looks.
    noDeviceAlarm = setTimeout(() => {
      if (started) reporter.reportNow().catch(reportFailed);
    }, noDeviceAlarmMs + 5);
  };
  armNoDeviceAlarm();
  const onState = (state: GnssState) => {
    if (state === 'no_device' && gnssState !== 'no_device') armNoDeviceAlarm();
    if (state !== 'no_device') clearTimeout(noDeviceAlarm);
    gnssState = state;
    noDeviceSince = state === 'no_device' ? (noDeviceSince ?? now()) : null;
    logger.info({ gnss: state }, 'gnss state');
    // The status says it now, not at the next 30 s report.
    if (started) reporter.reportNow().catch(reportFailed);
  };

  const metrics = (): Record<string, number> => ({
    ...counter?.metrics(),
    ...Object.fromEntries(REJECTIONS.map((reason) => [`fixes_rejected_${reason}`, 0])),
    ...Object.fromEntries(counters),
    ...Object.fromEntries(
      Object.entries(source.stats).map(([name, value]) => [`gnss_${name}`, value]),
    ),
    ...Object.fromEntries(
      Object.entries(link.stats).map(([name, value]) => [`broker_${name}`, value]),
    ),
    ...(lastFixAt === null ? {} : { gnss_fix_age_s: Math.round((now() - lastFixAt) / 1000) }),
    ...central.metrics(),
    ...visitors.metrics(),
    // How fast the bus's clock runs: the driver display follows the bus's time with it.
    ...(simulated === null ? {} : { clock_speed: simulated.speed }),
  });

  const offline = factory.create('status', {
    service: 'bridge',
    state: 'offline',
    version,
    startedAt: null,
    health: {},
    metrics: {},
    alarms: [],
  });
  let tourTimer: NodeJS.Timeout | undefined;
  /** The Monts du Forez tour when a simulated bus has no plan for its day (each new day too). */
  const driveTheTour = () => {
    if (gnss.source !== 'simulator' || filePlan !== null || !link.connected) return;
    if (tracker.view(now()).state === 'no_plan') publish('plan', tourPlan(now()));
  };
  const link = new OnboardLink({
    url: config.bridge.brokerUrl,
    username: config.bridge.username,
    password,
    clientId: config.bridge.username,
    will: { topic: statusTopic(busId, 'bridge'), payload: JSON.stringify(offline) },
    logger: logger.child({ component: 'onboard-link' }),
    subscriptions: [
      topicFor('plan', busId),
      // What the kiosk and the driver publish for central: into the outbox, acknowledged then.
      ...INGESTED.map((stream) => topicFor(stream, busId)),
    ],
    onMessage: (topic, payload) => {
      if (payload.byteLength === 0) return; // a cleared retained plan
      try {
        const decoded = decodeMessage(topic, payload);
        if (decoded.stream === 'cmd/occupancy') {
          // The driver counted the people on board: the count follows.
          counter?.reset((decoded.message as MessageOf<'cmd/occupancy'>).onBoard, 'driver');
        }
        if ((INGESTED as readonly Stream[]).includes(decoded.stream)) {
          count(`received_${decoded.stream.replace('/', '_')}`);
          // The queue's new state is staged first: committed with the message, or not at all.
          const published = visitors.apply(decoded.stream, decoded.message);
          const ingested = central.ingest({
            stream: decoded.stream,
            topic,
            id: decoded.message.id,
            payload: payload.toString(),
          });
          return published === null ? ingested : ingested.then(published);
        }
        if (decoded.stream !== 'plan') return;
        plans.offer(decoded.message as PlanMessage, 'broker');
      } catch (error) {
        // Inside mqtt.js's message listener: nothing may escape. A plan or a driver's command.
        const code = error instanceof ProtocolError ? error.code : 'handler_error';
        count(`received_rejected_${code}`);
        logger.warn({ topic, code, err: (error as Error).message }, 'message refused');
      }
    },
    onConnect: () => {
      reporter.reportNow().catch(reportFailed);
      publishStop();
      counter?.publish();
      visitors.publishAll();
      // The bridge keeps the plan (central's, the file's or a saved one) and republishes it
      // retained on board, so the screens have it even if the broker lost its copy.
      plans.republish();
      // A simulated bus makes its own tour if central's plan does not come soon.
      clearTimeout(tourTimer);
      tourTimer = setTimeout(driveTheTour, TOUR_PLAN_AFTER_MS);
    },
  });
  const reportFailed = (error: unknown) => {
    logger.warn({ err: error }, 'status report failed');
  };
  const counterHealth = () => counter?.health() ?? 'none';
  const alarms = () => [
    ...(noDeviceSince !== null && now() - noDeviceSince >= noDeviceAlarmMs
      ? ['gnss_no_device']
      : []),
    ...(clockSkewed ? ['gnss_clock_skewed'] : []),
    ...(['silent', 'blocked', 'fault'].includes(counterHealth())
      ? [`counter_${counterHealth()}`]
      : []),
    ...central.alarms(),
  ];
  const reporter = new StatusReporter({
    busId,
    service: 'bridge',
    version,
    factory,
    clock: () => new Date(now()),
    publish: async (topic, payload) => {
      await link.publish(topic, payload, { qos: 1, retain: true });
      const { id } = JSON.parse(payload) as { id: string };
      central.send({ stream: 'status', topic, id, payload });
    },
    read: () => ({
      metrics: metrics(),
      health: {
        gnss: gnssState,
        plan:
          plans.current === null
            ? 'none'
            : tracker.view(now()).state === 'no_plan'
              ? 'other_day'
              : 'today',
        fix_time: clockSkewed ? 'untrusted' : 'ok',
        counter: counterHealth(),
        ...central.health(),
      },
      alarms: alarms(),
    }),
    state: () => (gnssState === 'no_device' || alarms().length > 0 ? 'degraded' : 'online'),
    onError: reportFailed,
  });

  const source = createSource(gnss, {
    logger: logger.child({ component: `gnss-${gnss.source}` }),
    plan: () => plans.current,
    now,
    onFix,
    onState,
  });

  if (startPlan !== null) plans.set(startPlan, filePlan === null ? 'saved' : 'stops.planFile');
  try {
    counter = await startCounterPipeline({
      counter: config.counter,
      dataDir: config.dataDir,
      logger: logger.child({ component: `counter-${config.counter.protocol}` }),
      now,
      clockSpeed: simulated?.speed ?? 1,
      stopId: currentStopId,
      timeZone,
      state: outboxState,
      publishDoor: (body) => {
        publishCommitted('door', body);
      },
      publishOccupancy: (body) => {
        publishCommitted('occupancy', body);
      },
      onHealth: () => {
        if (started) reporter.reportNow().catch(reportFailed);
      },
    });
  } catch (error) {
    // A counter that cannot start (its config): nothing half-started is left open.
    await central.stop();
    await link.close();
    throw error;
  }
  // The saved occupancy may name a stop the bus has left since.
  counter.atStop(currentStopId());
  source.start();
  await reporter.start();
  started = true;
  downlink.take = (topic, payload) => {
    plans.takeFromCentral(topic, payload);
  };
  if (downlink.waiting) plans.takeFromCentral(downlink.waiting.topic, downlink.waiting.payload);
  let ticks = 0;
  const ticker = setInterval(() => {
    ticks += 1;
    if (simulated !== null && ticks % 5 === 0) saveClock();
    onTransition(tracker.tick(now()));
    // A new day, or an estimate that changed with time.
    visitors.tick();
    // Past midnight, a simulated bus's next day (checked every minute of real time).
    if (ticks % 60 === 0) driveTheTour();
  }, TICK_MS);
  const stopReport = setInterval(publishStop, STOP_REPORT_MS);
  /** Where the simulated clock is, for the next run (a failure costs only the resume). */
  function saveClock() {
    try {
      simulated?.save();
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'cannot save the simulated clock');
    }
  }
  logger.info({ source: gnss.source, broker: config.bridge.brokerUrl }, 'bridge started');

  return {
    metrics,
    async stop() {
      clearInterval(ticker);
      clearInterval(stopReport);
      clearTimeout(tourTimer);
      clearTimeout(noDeviceAlarm);
      await source.stop();
      await counter.stop();
      await reporter.stop().catch(reportFailed);
      await central.stop();
      await planStore
        .save({ plan: plans.current, snapshot: tracker.snapshot() })
        .catch((error: unknown) => {
          logger.error({ err: error }, 'cannot save the plan and progress');
        });
      await link.close();
      saveClock();
    },
  };
}
