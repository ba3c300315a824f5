// Time zones for tests that make a plan around now, whatever the hour they run at.

/**
 * A time zone where it is about midday now (Etc/GMT±N): a plan around now stays inside its
 * service day whatever the hour the tests run at.
 */
export function middayZone(now: number): string {
  const offset = Math.round(new Date(now).getUTCHours() + new Date(now).getUTCMinutes() / 60 - 12);
  // POSIX names count the other way: Etc/GMT+7 is UTC-7.
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '+' : '-'}${String(Math.abs(offset))}`;
}
