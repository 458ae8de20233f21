import { WsStatus } from '../close-frame/ws-status.js';

/**
 * The code an idle client is closed with: 4000 + HTTP 408 `Request Timeout`, in the library's
 * 4000 + status convention. Not 1001, which tells clients to reconnect at once: an idle client
 * should come back when it has something to send, not in a reconnect loop.
 * @publicApi
 */
export const IDLE_TIMEOUT_CODE = 4408;

/**
 * The server's ping loop: every `interval` ms each client is pinged, and one that has not
 * answered (pong) within `timeout` ms is dropped. Browsers and `ws` clients answer pings
 * on their own, with no application code.
 * @publicApi
 */
export interface HeartbeatOptions {
  /** Milliseconds between pings. */
  interval: number;
  /** Milliseconds a client has to answer a ping; at most `interval`. */
  timeout: number;
}

/** The close codes `app.close()` may send: 1001 `Going Away` or 1012 `Service Restart`. */
export type ShutdownCloseCode = typeof WsStatus.WS_1001_GOING_AWAY | typeof WsStatus.WS_1012_SERVICE_RESTART;

/** The lifecycle options with their defaults applied; `0`/`Infinity` stand for "off". */
export interface LifecycleSettings {
  readonly heartbeat: Readonly<HeartbeatOptions> | undefined;
  /** Milliseconds; 0 is off. */
  readonly idleTimeout: number;
  /** Bytes; `Infinity` is off. */
  readonly maxBufferedBytes: number;
  readonly shutdownCloseCode: ShutdownCloseCode;
}

/** `false` turns the heartbeat off; a bad interval or timeout is a `RangeError` when the adapter starts. */
export function heartbeatSetting(option: HeartbeatOptions | false | undefined, fallback: HeartbeatOptions): Readonly<HeartbeatOptions> | undefined {
  if (option === false) return undefined;
  const { interval, timeout } = { ...fallback, ...option };
  if (!isPositive(interval) || !Number.isFinite(interval)) throw new RangeError(`heartbeat.interval must be a positive number of milliseconds, not ${String(interval)}`);
  if (!isPositive(timeout) || timeout > interval) {
    throw new RangeError(`heartbeat.timeout must be a positive number of milliseconds, at most heartbeat.interval (${interval}), not ${String(timeout)}`);
  }
  return { interval, timeout };
}

/** A positive limit, or `false`/`0` for none (returned as `off`). */
export function limitSetting(name: string, option: number | false | undefined, fallback: number, off: number): number {
  if (option === undefined) return fallback;
  if (option === false || option === 0) return off;
  if (!isPositive(option)) throw new RangeError(`${name} must be a positive number or false, not ${String(option)}`);
  return option;
}

export function shutdownCloseCodeSetting(option: number | undefined): ShutdownCloseCode {
  if (option === undefined) return WsStatus.WS_1001_GOING_AWAY;
  if (option !== WsStatus.WS_1001_GOING_AWAY && option !== WsStatus.WS_1012_SERVICE_RESTART) {
    throw new RangeError(`shutdownCloseCode must be 1001 (Going Away) or 1012 (Service Restart), not ${String(option)}`);
  }
  return option;
}

function isPositive(value: unknown): value is number {
  return typeof value === 'number' && value > 0 && !Number.isNaN(value);
}
