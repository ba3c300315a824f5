// Times as the screens show them: a clock time in a given zone and language (24 hours, as plans
// are written), and the time now for a component, renewed every few seconds.
import { useEffect, useState } from 'react';
import type { Language } from '@fsbus/shared';

/** `iso` as hours and minutes in `timeZone`, e.g. 09:30. */
export function clockTime(iso: string | number, language: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(language, {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).format(new Date(iso));
}

/** The time now (ms), renewed every `everyMs`. */
export function useNow(everyMs = 5000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => {
      setNow(Date.now());
    }, everyMs);
    return () => {
      clearInterval(timer);
    };
  }, [everyMs]);
  return now;
}
