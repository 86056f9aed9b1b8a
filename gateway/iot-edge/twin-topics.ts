/**
 * The module-twin topics of IoT Hub's MQTT interface (as edgeHub serves them to modules;
 * "Communicate with an IoT hub using the MQTT protocol", device twins):
 *
 *   subscribe  $iothub/twin/res/#                          answers to our requests
 *   subscribe  $iothub/twin/PATCH/properties/desired/#     desired-property patches
 *   publish    $iothub/twin/GET/?$rid={rid}                 ask for the whole twin
 *   publish    $iothub/twin/PATCH/properties/reported/?$rid={rid}   update reported properties
 *   answer     $iothub/twin/res/{status}/?$rid={rid}[&$version={v}]
 *   patch      $iothub/twin/PATCH/properties/desired/?$version={v}
 */

export const TWIN_RESPONSE_FILTER = '$iothub/twin/res/#';
export const TWIN_DESIRED_FILTER = '$iothub/twin/PATCH/properties/desired/#';

/** `$iothub/twin/GET/?$rid={rid}` */
export function twinGetTopic(rid: number): string {
  return `$iothub/twin/GET/?$rid=${rid}`;
}

/** `$iothub/twin/PATCH/properties/reported/?$rid={rid}` */
export function reportedPatchTopic(rid: number): string {
  return `$iothub/twin/PATCH/properties/reported/?$rid=${rid}`;
}

/** What an incoming topic is. */
export type TwinTopic =
  | { readonly kind: 'response'; readonly status: number; readonly rid: number; readonly version?: number }
  | { readonly kind: 'desired'; readonly version?: number }
  | { readonly kind: 'other' };

const OTHER: TwinTopic = { kind: 'other' };

/** The `$key=value` pairs after `?`; malformed pairs are skipped, never thrown on. */
function queryOf(rest: string): Map<string, string> {
  const q = new Map<string, string>();
  const at = rest.indexOf('?');
  if (at < 0) return q;
  for (const part of rest.slice(at + 1).split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0) q.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return q;
}

/** A decimal integer 0 … 2^53-1, or undefined. */
function intOf(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d{1,15}$/.test(s)) return undefined;
  return Number(s);
}

/**
 * Classifies a topic the broker delivered. Hostile or odd topics become `{kind: 'other'}`; never throws.
 *
 * @example
 * parseTwinTopic('$iothub/twin/res/200/?$rid=3'); // { kind: 'response', status: 200, rid: 3 }
 */
export function parseTwinTopic(topic: string): TwinTopic {
  const RES = '$iothub/twin/res/';
  const DESIRED = '$iothub/twin/PATCH/properties/desired/';
  if (topic.startsWith(RES)) {
    const rest = topic.slice(RES.length);
    const slash = rest.indexOf('/');
    const status = intOf(slash < 0 ? undefined : rest.slice(0, slash));
    if (status === undefined || status > 999) return OTHER;
    const q = queryOf(rest);
    const rid = intOf(q.get('$rid'));
    if (rid === undefined) return OTHER;
    const version = intOf(q.get('$version'));
    return version === undefined
      ? { kind: 'response', status, rid }
      : { kind: 'response', status, rid, version };
  }
  if (topic.startsWith(DESIRED)) {
    const version = intOf(queryOf(topic.slice(DESIRED.length)).get('$version'));
    return version === undefined ? { kind: 'desired' } : { kind: 'desired', version };
  }
  return OTHER;
}
