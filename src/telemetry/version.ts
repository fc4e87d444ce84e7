/**
 * This package's version, from its package.json, for `service.version` and for the
 * instrumentation scope of our tracers and meters. The sources (src/telemetry) and the compiled
 * package (dist/telemetry) sit at the same depth below package.json, so one relative path serves both.
 */
import { createRequire } from 'node:module';

/** The package name, the instrumentation scope's name prefix. */
export const PACKAGE_NAME = 'amanuensis-otel';

/** The version field of this package's package.json. */
export const PACKAGE_VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string })
  .version;
