/**
 * Engine factory. `reference` is built in; `pocketsphinx` is loaded on demand, so the service
 * starts without it when it is not selected.
 */

import { siblingModule } from '../telemetry/module-file.ts';
import type { Engine, EngineName, EngineOptions } from './engine.ts';
import { createReferenceEngine } from './reference/engine.ts';

interface PocketSphinxModule {
  createPocketSphinxEngine(options: EngineOptions): Promise<Engine>;
}

export async function createEngine(name: EngineName, options: EngineOptions): Promise<Engine> {
  if (name === 'reference') return createReferenceEngine(options);
  // A computed specifier: the module is optional at type-check time and loaded only when chosen.
  const specifier = siblingModule(import.meta.url, './pocketsphinx/engine').href;
  let loaded: PocketSphinxModule;
  try {
    loaded = (await import(specifier)) as PocketSphinxModule;
  } catch (error) {
    throw new Error(
      `engine 'pocketsphinx' is not available: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return loaded.createPocketSphinxEngine(options);
}
