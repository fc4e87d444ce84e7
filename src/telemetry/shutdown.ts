/**
 * SDK shutdown bounded in time. With the collector down, NodeSDK.shutdown() waits for export
 * retries and then rejects (about 7.7 s measured); a process exiting on SIGTERM cannot wait for that.
 */

/** Runs `shutdown`, resolving when it settles or after `timeoutMillis`, whichever is first; never rejects. */
export async function boundedShutdown(shutdown: () => Promise<unknown>, timeoutMillis: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMillis);
    timer.unref();
  });
  const settled = shutdown().then(
    () => undefined,
    () => undefined,
  );
  await Promise.race([settled, timeout]);
  clearTimeout(timer);
}
