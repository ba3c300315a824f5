// MQTT topic filter matching [MQTT-4.7]: does a filter match a topic, does a filter cover another.

function split(value: string): string[] {
  return value.split('/');
}

/**
 * True when `filter` matches the concrete `topic`. Wildcards at the first level do not match
 * topics starting with "$" [MQTT-4.7.2-1].
 */
export function matchesTopic(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = split(filter);
  const t = split(topic);
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return true; // also matches the parent level [MQTT-4.7.1-2]
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

/**
 * True when every topic the subscription filter `inner` can match is also matched by `outer`:
 * a subscription is allowed only inside what the reader may read.
 */
export function coversFilter(outer: string, inner: string): boolean {
  // A leading wildcard never reaches "$" topics; other mismatches fail level by level.
  if (inner.startsWith('$') && (outer.startsWith('#') || outer.startsWith('+'))) return false;
  const o = split(outer);
  const i = split(inner);
  for (let n = 0; n < o.length; n++) {
    const level = o[n];
    if (level === '#') return true;
    const innerLevel = i[n];
    if (innerLevel === undefined) return false;
    if (innerLevel === '#') return false; // inner reaches deeper or wider than outer's fixed levels
    if (level === '+') continue;
    if (innerLevel === '+' || innerLevel !== level) return false;
  }
  return o.length === i.length;
}
