/**
 * The URL of a sibling module for a worker thread or a computed import. In development Node runs
 * the `.ts` sources; the published package runs the compiled `.js`: the sibling takes the
 * extension of the module that asks for it, so one line works in both.
 */
export function siblingModule(fromUrl: string, relativeStem: string): URL {
  const extension = fromUrl.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`${relativeStem}${extension}`, fromUrl);
}
