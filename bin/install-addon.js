// npm's install script. In an installed copy it builds the PocketSphinx addon when the system's
// development packages and Node's headers are on disk, and otherwise exits 0 without a word: the
// engine is optional, and `--engine pocketsphinx` says what to install when it is asked for.
// In a checkout (src/ present) it does nothing, so `npm ci` stays quick there; developers and CI
// run `npm run build:pocketsphinx`, which shows the compiler's output.
import { existsSync } from 'node:fs';

if (!existsSync(new URL('../src/', import.meta.url))) {
  try {
    const { buildAddon, findNodeDir } = await import('../dist/engine/pocketsphinx/build.js');
    // Without headers on disk node-gyp would download them in the middle of someone's install.
    if (findNodeDir() !== undefined) await buildAddon('capture');
  } catch {
    // Missing libraries, no compiler, a Node too old to load dist/: the engine reports what is missing.
  }
}
