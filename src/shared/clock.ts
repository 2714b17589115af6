/** Source of the current instant. Inject it instead of calling `new Date()` so tests can fix time. */
import { assert } from './assert.ts';

export interface Clock {
  /** The current instant (a fresh Date each call; mutating it does not affect the clock). */
  now(): Date;
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => new Date() };

function toMillis(instant: Date | string): number {
  const millis = (typeof instant === 'string' ? new Date(instant) : instant).getTime();
  assert(!Number.isNaN(millis), `Invalid instant ${String(instant)}`);
  return millis;
}

/** A clock that only moves when told to, for tests and demos. Accepts a Date or an ISO 8601 string. */
export class FixedClock implements Clock {
  private millis: number;

  constructor(instant: Date | string) {
    this.millis = toMillis(instant);
  }

  now(): Date {
    return new Date(this.millis);
  }

  /** Jumps to `instant`. */
  set(instant: Date | string): void {
    this.millis = toMillis(instant);
  }

  /** Moves forward (or backward, if negative) by `ms` milliseconds. */
  advance(ms: number): void {
    assert(Number.isFinite(ms), `advance() needs a finite number, got ${ms}`);
    this.millis = toMillis(new Date(this.millis + ms));
  }
}
