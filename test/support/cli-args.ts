/**
 * Command-line arguments written as an object, so a test's `amanuensis load` run reads as the
 * handful of settings it is about instead of a column of flag and value strings.
 */

/** Flag values by option name in camelCase; an array repeats the flag once per value, in order. */
export type CliFlags = Record<string, string | number | readonly string[]>;

/**
 * The arguments for `flags`, in their order: `{ url, maxInFlight: 2, header: ['A: 1', 'B: 2'] }`
 * gives `--url <url> --max-in-flight 2 --header 'A: 1' --header 'B: 2'`.
 */
export function cliArgs(flags: CliFlags): string[] {
  return Object.entries(flags).flatMap(([name, value]) => {
    const flag = `--${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
    const values: readonly (string | number)[] = Array.isArray(value) ? value : [value];
    return values.flatMap((each) => [flag, String(each)]);
  });
}
