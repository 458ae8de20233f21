import type * as WsModule from 'ws';
import type { WebSocket, WebSocketServer } from 'ws';
import { NOT_ADMITTED_MESSAGE } from '../exceptions/messages.constant.js';
import { ReadyState } from '../ws-errors.constants.js';

const kGate = Symbol('ws-errors:admission-gate');

type SendArgs = Parameters<WebSocket['send']>;
type WebSocketClass = typeof WsModule.WebSocket;

/**
 * The boundary a client crosses when it is admitted. Until then (its guards, DTOs and
 * `handleConnection` have not all succeeded) it is out of its server's `clients`, and what the
 * app sends it is held. Admitted: it joins `clients` and receives what was held, in order.
 * Refused: what was held is dropped, each send callback told so, and what the refusing
 * filter sends goes out before the close frame.
 */
export class AdmissionGate {
  #held: SendArgs[];

  private constructor(
    private readonly client: WebSocket & { [kGate]?: AdmissionGate | null },
    private readonly server: WebSocketServer,
    early: readonly unknown[],
  ) {
    this.#held = early.map(data => [data] as unknown as SendArgs);
    // ws added the client to `clients` just before it handed it to us; no app code ran in between.
    server.clients?.delete(client);
    client[kGate] = this;
  }

  /** Closes the gate on a client just accepted; `early` are messages sent to its pending stand-in. */
  static close(client: WebSocket, server: WebSocketServer, early: readonly unknown[]): AdmissionGate {
    return new AdmissionGate(client, server, early);
  }

  admit(): void {
    if (this.client[kGate] !== this) return;
    this.client[kGate] = null;
    if (this.client.readyState !== ReadyState.OPEN) return;
    this.server.clients?.add(this.client);
    const held = this.#held;
    this.#held = [];
    for (const args of held) this.client.send(...args);
  }

  /** The client is being refused: nothing held is ever sent, and what the filter sends goes through. */
  refuse(): void {
    if (this.client[kGate] !== this) return;
    this.client[kGate] = null;
    const held = this.#held;
    this.#held = [];
    for (const args of held) {
      const callback = args.find(arg => typeof arg === 'function') as ((error?: Error) => void) | undefined;
      if (callback) process.nextTick(callback, new Error(NOT_ADMITTED_MESSAGE));
    }
  }

  hold(args: SendArgs): void {
    this.#held.push(args);
  }
}

const gatedClasses = new WeakMap<WebSocketClass, WebSocketClass>();

/**
 * The `WebSocket` class a checked gateway's server makes its clients of (ws' `WebSocket`
 * server option): the one the app chose, whose `send` holds while the client's gate is closed.
 * A subclass rather than a property set on each client, so every client keeps one shape.
 */
export function gatedWebSocketClass(base: WebSocketClass): WebSocketClass {
  let gated = gatedClasses.get(base);
  if (!gated) {
    gated = class GatedWebSocket extends (base as new (...args: any[]) => WebSocket) {
      [kGate]: AdmissionGate | null = null;

      // Explicit parameters, not a rest array: this is on every send's path.
      override send(data: any, options?: any, callback?: any): void {
        const gate = this[kGate];
        if (gate) gate.hold([data, options, callback] as unknown as SendArgs);
        else super.send(data, options, callback);
      }
    } as unknown as WebSocketClass;
    gatedClasses.set(base, gated);
  }
  return gated;
}
