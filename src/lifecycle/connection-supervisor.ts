import type { WebSocket, WebSocketServer } from 'ws';
import { getClientSession } from '../adapter/client-session.js';
import { closeWebSocketFor } from '../close-frame/close-websocket.js';
import { WsStatus } from '../close-frame/ws-status.js';
import { BACKPRESSURE_REASON, HEARTBEAT_TIMEOUT_REASON, IDLE_TIMEOUT_REASON } from '../exceptions/messages.constant.js';
import { CONNECTION_EVENT, PONG_EVENT, ReadyState } from '../ws-errors.constants.js';
import { markServerClose } from './disconnect-info.js';
import { IDLE_TIMEOUT_CODE, type LifecycleSettings } from './lifecycle-options.js';
import { supervisedWebSocketClass, type SendObserver } from './supervised-websocket.js';

/** The idle sweep runs this many times per `idleTimeout`: a client is closed after 1 to 1.25 × `idleTimeout` of silence. */
const IDLE_SWEEPS_PER_TIMEOUT = 8;
/** setTimeout's largest delay; a longer one fires at once. */
const MAX_TIMER_DELAY = 2 ** 31 - 1;

/** What the supervisor keeps per client (on its session): two flags and a timestamp. */
export interface Liveness {
  /** Pinged, no pong yet. */
  awaitingPong: boolean;
  /** A message came since the last idle sweep. */
  heard: boolean;
  /** When the idle sweep last found `heard` set. */
  quietSince: number;
}

/**
 * The connection lifecycle of one adapter's servers on ONE timer, whatever the number of
 * clients: pings every `heartbeat.interval` and drops, at `heartbeat.timeout`, whom a pong did
 * not answer; closes clients silent for `idleTimeout`; closes those whose unsent data passed
 * `maxBufferedBytes` (checked on every send, and on each tick for what bypassed `send`).
 * The timer is `unref`'d and wakes only when something is due.
 */
export class ConnectionSupervisor implements SendObserver {
  readonly maxBufferedBytes: number;
  readonly #servers = new Set<WebSocketServer>();
  readonly #classes = new WeakMap<typeof WebSocket, typeof WebSocket>();
  readonly #idleSweepEvery: number;
  #timer?: NodeJS.Timeout;
  #nextPingAt = Infinity;
  #pongDeadline = Infinity;
  #nextIdleSweepAt = Infinity;
  #stopped = false;

  constructor(private readonly settings: LifecycleSettings) {
    this.maxBufferedBytes = settings.maxBufferedBytes;
    this.#idleSweepEvery = settings.idleTimeout / IDLE_SWEEPS_PER_TIMEOUT;
  }

  /** The client class for a server: `base` with the send and close hooks, one class per base. */
  socketClass(base: typeof WebSocket): typeof WebSocket {
    let supervised = this.#classes.get(base);
    if (!supervised) this.#classes.set(base, (supervised = supervisedWebSocketClass(base, this)));
    return supervised;
  }

  watch(server: WebSocketServer): void {
    if (this.#stopped) return;
    this.#servers.add(server);
    if (this.settings.heartbeat) server.on(CONNECTION_EVENT, listenForPongs);
    if (this.#servers.size > 1) return;
    const now = Date.now();
    if (this.settings.heartbeat) this.#nextPingAt = now + this.settings.heartbeat.interval;
    if (this.settings.idleTimeout) this.#nextIdleSweepAt = now + this.#idleSweepEvery;
    this.#schedule(now);
  }

  /** No more pings or sweeps (the app is shutting down). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#servers.clear();
  }

  onOverflow(client: WebSocket): void {
    // It has stopped reading, so it will not read this frame either: ws drops it after closeTimeout.
    closeWebSocketFor('backpressure', client, WsStatus.WS_1013_TRY_AGAIN_LATER, BACKPRESSURE_REASON);
  }

  #schedule(now: number): void {
    const due = Math.min(this.#nextPingAt, this.#pongDeadline, this.#nextIdleSweepAt);
    if (due === Infinity || this.#stopped) return;
    this.#timer = setTimeout(this.#tick, Math.min(Math.max(due - now, 0), MAX_TIMER_DELAY));
    this.#timer.unref();
  }

  #tick = (): void => {
    this.#timer = undefined;
    const now = Date.now();
    const { heartbeat, idleTimeout } = this.settings;
    const dropUnanswered = now >= this.#pongDeadline;
    const ping = !!heartbeat && now >= this.#nextPingAt;
    const sweepIdle = !!idleTimeout && now >= this.#nextIdleSweepAt;
    if (dropUnanswered) this.#pongDeadline = Infinity;
    if (ping) {
      this.#pongDeadline = now + heartbeat.timeout;
      this.#nextPingAt = now + heartbeat.interval;
    }
    if (sweepIdle) this.#nextIdleSweepAt = now + this.#idleSweepEvery;
    for (const server of this.#servers) {
      for (const client of server.clients) {
        if (client.readyState !== ReadyState.OPEN) continue;
        const liveness: Liveness | undefined = getClientSession(client);
        if (!liveness) continue;
        if (dropUnanswered && liveness.awaitingPong) {
          markServerClose(client, 'heartbeat', WsStatus.WS_1006_ABNORMAL_CLOSURE, HEARTBEAT_TIMEOUT_REASON);
          client.terminate();
          continue;
        }
        if (sweepIdle && this.#closeIfIdle(client, liveness, now, idleTimeout)) continue;
        if (client.bufferedAmount > this.maxBufferedBytes) {
          this.onOverflow(client);
          continue;
        }
        if (ping) {
          liveness.awaitingPong = true;
          client.ping();
        }
      }
    }
    this.#schedule(now);
  };

  #closeIfIdle(client: WebSocket, liveness: Liveness, now: number, idleTimeout: number): boolean {
    if (liveness.heard) {
      liveness.heard = false;
      liveness.quietSince = now;
      return false;
    }
    if (now - liveness.quietSince < idleTimeout) return false;
    closeWebSocketFor('idle', client, IDLE_TIMEOUT_CODE, IDLE_TIMEOUT_REASON);
    return true;
  }
}

/** Shared by every client (no closure per client): a pong clears the client's pending ping. */
function listenForPongs(this: WebSocketServer, client: WebSocket): void {
  client.on(PONG_EVENT, onPong);
}

function onPong(this: WebSocket): void {
  const liveness: Liveness | undefined = getClientSession(this);
  if (liveness) liveness.awaitingPong = false;
}
