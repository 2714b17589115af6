/**
 * Lets the event loop run pending I/O (other HTTP requests, timers) before continuing a long
 * loop. Awaiting database calls alone does not do it on PGlite, whose queries complete without
 * ever waiting on a socket.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
