/**
 * Keeps credentials out of what leaves the process: URLs (query values, user info) and command
 * lines. Applied where telemetry is made (the resource, HTTP span attributes, client spans,
 * results), so no export, log or summary has to be trusted to filter later.
 */

/** What a removed value is replaced with. */
export const REDACTED = 'REDACTED';

/** Option names whose value is a credential: `--api-key sk-…`, `--token=…`, `--header 'Authorization: …'`. */
const SECRET_OPTION = /key|token|secret|passw|auth|credential|header|cookie/i;

/** Values that are credentials whatever option carries them (OpenAI-style keys, HTTP auth schemes). */
const SECRET_VALUE = /^(sk-|Bearer\s|Basic\s)|^(authorization|cookie|x-api-key)\s*:/i;

/**
 * A query string with its keys kept and every value dropped (`a=1&api_key=x` -> `a&api_key`):
 * which parameters were sent is useful in a trace, their values may be credentials.
 */
export function queryKeysOnly(query: string): string {
  const search = query.startsWith('?') ? query.slice(1) : query;
  if (search === '') return '';
  return [...new URLSearchParams(search).keys()].join('&');
}

/** `url` without user info and with query values dropped; a string that is no URL is returned redacted whole. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return REDACTED;
  }
  if (parsed.username || parsed.password) {
    parsed.username = REDACTED;
    parsed.password = REDACTED;
  }
  const keys = queryKeysOnly(parsed.search);
  parsed.search = '';
  return keys === '' ? parsed.href : `${parsed.href}?${keys}`;
}

/** A command line with the values of credential options, and anything that looks like a credential, replaced. */
export function redactArgs(args: readonly string[]): string[] {
  const redacted: string[] = [];
  let valueIsSecret = false;
  for (const arg of args) {
    if (valueIsSecret) {
      redacted.push(REDACTED);
      valueIsSecret = false;
      continue;
    }
    const option = /^--?([^=]+)(=(.*))?$/.exec(arg);
    if (option && SECRET_OPTION.test(option[1]!)) {
      if (option[2] === undefined) {
        redacted.push(arg);
        valueIsSecret = true;
      } else {
        redacted.push(`${arg.slice(0, arg.indexOf('=') + 1)}${REDACTED}`);
      }
      continue;
    }
    redacted.push(SECRET_VALUE.test(arg) ? REDACTED : /^[a-z][a-z0-9+.-]*:\/\//i.test(arg) ? redactUrl(arg) : arg);
  }
  return redacted;
}
