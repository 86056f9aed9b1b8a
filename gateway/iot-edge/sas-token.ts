/**
 * IoT Hub SAS tokens for a module identity ("Control access to IoT Hub with shared access
 * signatures": security tokens). The token is
 * `SharedAccessSignature sr={URL-encoded resourceURI}&sig={URL-encoded signature}&se={expiry}`, the
 * signature being HMAC-SHA256, with the identity's key, of `{URL-encoded resourceURI}\n{expiry}`
 * (expiry in seconds since the Unix epoch). A module's key stays in the IoT Edge security daemon:
 * the workload API computes the HMAC (workload-client.ts), this file only builds the strings.
 */

/** `{hub}/devices/{deviceId}/modules/{moduleId}`: the resource a module token grants. */
export function moduleResourceUri(hubHostname: string, deviceId: string, moduleId: string): string {
  return `${hubHostname}/devices/${deviceId}/modules/${moduleId}`;
}

/**
 * The exact string the key signs: the URL-encoded resource URI, a newline, the expiry.
 *
 * @example
 * stringToSign('hub.azure-devices.net/devices/d1/modules/m1', 1700000000);
 * // 'hub.azure-devices.net%2Fdevices%2Fd1%2Fmodules%2Fm1\n1700000000'
 */
export function stringToSign(resourceUri: string, expiry: number): string {
  return `${encodeURIComponent(resourceUri)}\n${expiry}`;
}

/** A token and when it stops being valid. */
export interface SasToken {
  readonly token: string;
  /** Expiry, seconds since the Unix epoch (`se`). */
  readonly expiry: number;
}

/**
 * The token from a base64 signature (as the workload API returns it).
 *
 * @example
 * formatSasToken('hub/devices/d/modules/m', 'q+/=', 1700000000);
 * // 'SharedAccessSignature sr=hub%2Fdevices%2Fd%2Fmodules%2Fm&sig=q%2B%2F%3D&se=1700000000'
 */
export function formatSasToken(resourceUri: string, signature: string, expiry: number): string {
  return `SharedAccessSignature sr=${encodeURIComponent(resourceUri)}&sig=${encodeURIComponent(signature)}&se=${expiry}`;
}

/** The fields of a token; `undefined` when it is not one. Never throws. */
export function parseSasToken(
  token: string,
): { sr: string; sig: string; se: number; skn?: string } | undefined {
  const prefix = 'SharedAccessSignature ';
  if (!token.startsWith(prefix)) return undefined;
  const fields = new Map<string, string>();
  for (const part of token.slice(prefix.length).split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    let value: string;
    try {
      value = decodeURIComponent(part.slice(eq + 1));
    } catch {
      return undefined;
    }
    fields.set(part.slice(0, eq), value);
  }
  const sr = fields.get('sr');
  const sig = fields.get('sig');
  const se = Number(fields.get('se'));
  if (sr === undefined || sig === undefined || !Number.isSafeInteger(se)) return undefined;
  const skn = fields.get('skn');
  return skn === undefined ? { sr, sig, se } : { sr, sig, se, skn };
}
