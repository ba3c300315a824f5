// The kiosk app: the visitor's flow across the screens, the idle countdown, the live state from
// the broker, and the facts taken on the way (stored locally first, then sent).
import { useEffect, useReducer, useRef, useSyncExternalStore } from 'react';
import { partnerCatalogue, serviceDate, type Language } from '@fsbus/shared';
import type { Facts } from '../delivery/facts.js';
import type { Link } from '../delivery/link.js';
import { setLanguage } from '../i18n/i18n.js';
import { OfflineMark } from '../screens/common/Layout.js';
import { Countdown } from '../screens/idle/Countdown.js';
import { Faces, Reasons, Thanks } from '../screens/opinion/Opinion.js';
import { Turn } from '../screens/turn/Turn.js';
import { Welcome } from '../screens/welcome/Welcome.js';
import { Why } from '../screens/why/Why.js';
import { atRest, flowReducer, initialFlow, type Flow } from './flow.js';
import { useIdle } from './idle.js';
import type { Settings } from './settings.js';

/** Presses within this long of a recorded opinion count once (the first). */
export const OPINION_REPEAT_MS = 5000;
/** The thanks screen goes home by itself after this long. */
const THANKS_MS = 10_000;

export interface AppProps {
  readonly settings: Settings;
  readonly link: Link;
  readonly facts: Facts;
}

export function App({ settings, link, facts }: AppProps) {
  const defaultLanguage: Language = settings.languages[0];
  const [flow, dispatch] = useReducer(flowReducer(defaultLanguage), defaultLanguage, initialFlow);
  const live = useSyncExternalStore(link.subscribe, () => link.state);
  const lastOpinionAt = useRef(0);
  const takingVisit = useRef(false);
  const flowRef = useRef<Flow>(flow);
  flowRef.current = flow;

  useEffect(() => {
    setLanguage(flow.language);
  }, [flow.language]);
  useEffect(() => {
    const root = document.documentElement.classList;
    root.toggle('large', flow.largeText);
    root.toggle('contrast', flow.contrast);
    root.toggle('no-cursor', settings.hideCursor);
  }, [flow.largeText, flow.contrast, settings.hideCursor]);
  useEffect(() => {
    if (flow.screen !== 'thanks') return;
    const timer = setTimeout(() => {
      dispatch({ type: 'home' });
    }, THANKS_MS);
    return () => {
      clearTimeout(timer);
    };
  }, [flow.screen]);

  const stopId =
    live.stop?.state === 'arrived' && live.stop.current !== null ? live.stop.current.stopId : null;

  const recordOpinion = (current: Flow) => {
    if (current.rating === null) return;
    const now = Date.now();
    if (now - lastOpinionAt.current < OPINION_REPEAT_MS) return;
    lastOpinionAt.current = now;
    void facts
      .opinion({
        stopId,
        rating: current.rating,
        ...(current.reasons.length > 0 ? { reasons: [...current.reasons] } : {}),
      })
      .then(() => link.flush())
      .catch(reportError);
  };

  const idle = useIdle({
    timeoutS: settings.idleTimeoutS,
    countdownS: settings.countdownS,
    enabled: !atRest(flow, defaultLanguage),
    onExpire: () => {
      // A face chosen is an answer, even without "send".
      if (flowRef.current.screen === 'reasons') recordOpinion(flowRef.current);
      dispatch({ type: 'home' });
    },
  });

  const home = () => {
    dispatch({ type: 'home' });
  };
  const catalogue = partnerCatalogue(settings.localPartners);

  let screen;
  switch (flow.screen) {
    case 'welcome':
      screen = (
        <Welcome
          languages={settings.languages}
          language={flow.language}
          largeText={flow.largeText}
          contrast={flow.contrast}
          stop={live.stop}
          plan={live.plan}
          staff={settings.staff}
          staffInfo={async () => ({
            instance: settings.instance,
            connected: link.state.connected,
            pending: link.state.pending,
            oldestPendingAt: link.state.oldestPendingAt,
            lastSentAt: link.state.lastSentAt,
            storeFailing: link.state.storeFailing,
            lastTurnToday: await facts.lastTurn(today(link.state.plan?.timeZone)),
          })}
          onLanguage={(language) => {
            dispatch({ type: 'language', language });
          }}
          onLargeText={(on) => {
            dispatch({ type: 'largeText', on });
          }}
          onContrast={(on) => {
            dispatch({ type: 'contrast', on });
          }}
          onProcedure={() => {
            dispatch({ type: 'go', screen: 'why' });
          }}
          onOpinion={() => {
            dispatch({ type: 'go', screen: 'opinion' });
          }}
        />
      );
      break;
    case 'why':
      screen = (
        <Why
          catalogue={catalogue}
          language={flow.language}
          partners={flow.partners}
          firstVisit={flow.firstVisit}
          onPartners={(partners) => {
            dispatch({ type: 'partners', partners });
          }}
          onFirstVisit={(value) => {
            dispatch({ type: 'firstVisit', value });
          }}
          onBack={home}
          onConfirm={() => {
            // One turn per visit, however many times Confirm is pressed while it is taken.
            if (takingVisit.current) return;
            takingVisit.current = true;
            facts
              .visit({
                stopId,
                partners: [...flow.partners],
                ...(flow.firstVisit === null ? {} : { firstVisit: flow.firstVisit }),
                language: flow.language,
              })
              .then((turn) => {
                dispatch({ type: 'turn', turn });
                return link.flush();
              })
              .catch(reportError)
              .finally(() => {
                takingVisit.current = false;
              });
          }}
        />
      );
      break;
    case 'turn':
      screen =
        flow.turn === null ? null : <Turn turn={flow.turn} queue={live.queue} onDone={home} />;
      break;
    case 'opinion':
      screen = (
        <Faces
          onBack={home}
          onRate={(rating) => {
            // A second press right after an opinion was recorded counts once: thanks again.
            if (Date.now() - lastOpinionAt.current < OPINION_REPEAT_MS)
              dispatch({ type: 'go', screen: 'thanks' });
            else dispatch({ type: 'rating', rating });
          }}
        />
      );
      break;
    case 'reasons':
      screen =
        flow.rating === null ? null : (
          <Reasons
            rating={flow.rating}
            language={flow.language}
            reasons={flow.reasons}
            onReasons={(reasons) => {
              dispatch({ type: 'reasons', reasons });
            }}
            onSend={() => {
              recordOpinion(flow);
              dispatch({ type: 'go', screen: 'thanks' });
            }}
          />
        );
      break;
    case 'thanks':
      screen = <Thanks onHome={home} />;
      break;
  }

  return (
    <>
      {/* A new screen is a new subtree: nothing of the previous one is kept. */}
      <div key={flow.screen} style={{ display: 'contents' }}>
        {screen}
      </div>
      <Countdown secondsLeft={idle.secondsLeft} onContinue={idle.resume} />
      <OfflineMark connected={live.connected} />
    </>
  );
}

/** The service date of this kiosk now (the plan's time zone). */
export function today(timeZone: string | undefined): string {
  return serviceDate(Date.now(), timeZone ?? 'Europe/Paris');
}
