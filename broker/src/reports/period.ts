// Report periods as staff name them (a day or a month, in the service's time zone) and the UTC
// instants they span.
import { TZDate } from '@date-fns/tz';

/** The time zone of the Bus France services' days. */
export const SERVICE_TIME_ZONE = 'Europe/Paris';

export interface Period {
  readonly kind: 'day' | 'month';
  /** As given: `2026-11-23` or `2026-11`. */
  readonly label: string;
  /** First instant, UTC ISO-8601 (inclusive). */
  readonly from: string;
  /** Instant after the last, UTC ISO-8601 (exclusive). */
  readonly to: string;
  /** Its first and last service days, `YYYY-MM-DD`. */
  readonly firstDay: string;
  readonly lastDay: string;
}

/** Why a period cannot be read: what was given and what is expected. */
export class PeriodError extends Error {
  override readonly name = 'PeriodError';
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;

const utc = (date: TZDate) => new Date(date.getTime()).toISOString();

/** A day (`YYYY-MM-DD`) or a month (`YYYY-MM`) in `timeZone`, as UTC bounds. */
export function parsePeriod(text: string, timeZone = SERVICE_TIME_ZONE): Period {
  const day = DAY.exec(text);
  if (day) {
    const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const start = new TZDate(year, month - 1, date, timeZone);
    if (start.getMonth() !== month - 1 || start.getDate() !== date) {
      throw new PeriodError(`period ${JSON.stringify(text)}: no such day`);
    }
    return {
      kind: 'day',
      label: text,
      from: utc(start),
      to: utc(new TZDate(year, month - 1, date + 1, timeZone)),
      firstDay: text,
      lastDay: text,
    };
  }
  const month = MONTH.exec(text);
  if (month) {
    const [year, index] = [Number(month[1]), Number(month[2])];
    if (index < 1 || index > 12)
      throw new PeriodError(`period ${JSON.stringify(text)}: no such month`);
    const days = new TZDate(year, index, 0, timeZone).getDate();
    return {
      kind: 'month',
      label: text,
      from: utc(new TZDate(year, index - 1, 1, timeZone)),
      to: utc(new TZDate(year, index, 1, timeZone)),
      firstDay: `${text}-01`,
      lastDay: `${text}-${String(days).padStart(2, '0')}`,
    };
  }
  throw new PeriodError(
    `period ${JSON.stringify(text)}: expected a day (2026-11-23) or a month (2026-11)`,
  );
}

/** The service day (`YYYY-MM-DD`) of an instant in `timeZone`. */
export function serviceDate(instant: number, timeZone = SERVICE_TIME_ZONE): string {
  const date = new TZDate(instant, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${String(date.getFullYear())}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
}
