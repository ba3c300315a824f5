// Idle detection: no touch, key or pointer for `timeoutS` -> the countdown; the countdown ends
// -> home. Any touch during the countdown is a "Continue".
import { useEffect, useRef, useState } from 'react';

export interface Idle {
  /** Seconds left on the countdown, or null while the visitor is active. */
  readonly secondsLeft: number | null;
  /** The visitor is still there (the countdown's button). */
  readonly resume: () => void;
}

export function useIdle(options: {
  readonly timeoutS: number;
  readonly countdownS: number;
  /** False at rest (the welcome screen untouched): nothing to count down. */
  readonly enabled: boolean;
  readonly onExpire: () => void;
}): Idle {
  const { timeoutS, countdownS, enabled, onExpire } = options;
  const [secondsLeft, setSecondsLeft] = useState<number | null>(null);
  const lastActivity = useRef(Date.now());
  const expire = useRef(onExpire);
  expire.current = onExpire;

  useEffect(() => {
    const active = () => {
      lastActivity.current = Date.now();
    };
    const events = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;
    for (const event of events) window.addEventListener(event, active, { capture: true });
    return () => {
      for (const event of events) window.removeEventListener(event, active, { capture: true });
    };
  }, []);

  useEffect(() => {
    lastActivity.current = Date.now();
    if (!enabled) {
      setSecondsLeft(null);
      return;
    }
    const timer = setInterval(() => {
      const idleS = (Date.now() - lastActivity.current) / 1000;
      if (idleS < timeoutS) {
        setSecondsLeft(null);
        return;
      }
      const left = Math.ceil(timeoutS + countdownS - idleS);
      if (left <= 0) {
        setSecondsLeft(null);
        expire.current();
      } else setSecondsLeft(left);
    }, 250);
    return () => {
      clearInterval(timer);
    };
  }, [enabled, timeoutS, countdownS]);

  return {
    secondsLeft,
    resume: () => {
      lastActivity.current = Date.now();
      setSecondsLeft(null);
    },
  };
}
