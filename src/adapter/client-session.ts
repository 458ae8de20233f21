import type { Subscription } from 'rxjs';
import type { RawData, WebSocket } from 'ws';
import { closeWebSocketFor } from '../close-frame/close-websocket.js';
import { WsStatus } from '../close-frame/ws-status.js';
import {
  MESSAGE_TOO_BIG_REASON,
  TOO_MANY_PENDING_MESSAGES_REASON,
} from '../exceptions/messages.constant.js';
import type { GatewayDescriptor } from '../context/gateway-descriptor.js';
import { recordDisconnect } from '../lifecycle/disconnect-info.js';
import type { Liveness } from '../lifecycle/connection-supervisor.js';
import { CLOSE_EVENT, kClientSession, MESSAGE_EVENT, ReadyState } from '../ws-errors.constants.js';

export type MessageDispatcher = (data: RawData, isBinary: boolean) => void;

export interface PendingLimits {
  maxPendingMessages: number;
  maxPendingBytes: number;
}

/** What one gateway's `handleConnection` returned (maybe a promise), or threw. */
export interface ConnectionOutcome {
  descriptor: GatewayDescriptor;
  result: unknown;
  failed: boolean;
}

/**
 * The adapter's per-client bookkeeping: messages are held, in order and within limits,
 * until the client is admitted (its `handleConnection` settled), then handed to the
 * gateways' dispatchers. Everything it holds goes when the socket closes.
 */
export class ClientSession implements Liveness {
  #admitted = false;
  #refused = false;
  #closed = false;
  #pending: { data: RawData; isBinary: boolean }[] = [];
  #pendingBytes = 0;
  readonly #dispatchers: MessageDispatcher[] = [];
  #subscriptions?: Set<Subscription>;
  /** Filled while Nest runs the gateways' `handleConnection` for this client. */
  readonly outcomes: ConnectionOutcome[] = [];
  /** Read and reset by the adapter's one lifecycle timer (heartbeat, idle sweep). */
  awaitingPong = false;
  heard = true;
  quietSince = 0;

  constructor(
    readonly client: WebSocket,
    private readonly limits: PendingLimits,
  ) {
    client.on(MESSAGE_EVENT, this.#onMessage);
    client.once(CLOSE_EVENT, this.#onClose);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The client failed its `handleConnection`: it was never the gateway's, and nothing it sent is handled. */
  get refused(): boolean {
    return this.#refused;
  }

  refuse(): void {
    if (this.#admitted) return;
    this.#refused = true;
    this.#dropPending();
  }

  addDispatcher(dispatcher: MessageDispatcher): void {
    this.#dispatchers.push(dispatcher);
  }

  /** Keeps an Observable reply's subscription until it completes or the socket closes. */
  track(subscription: Subscription): void {
    if (this.#closed) {
      subscription.unsubscribe();
      return;
    }
    (this.#subscriptions ??= new Set()).add(subscription);
    subscription.add(() => this.#subscriptions?.delete(subscription));
  }

  /** From now on messages go straight to the dispatchers; the held ones go first, in order. */
  admit(): void {
    if (this.#admitted || this.#closed) return;
    this.#admitted = true;
    const held = this.#pending;
    this.#pending = [];
    this.#pendingBytes = 0;
    for (const { data, isBinary } of held) {
      if (this.#closed) break;
      this.#dispatch(data, isBinary);
    }
  }

  #onMessage = (data: RawData, isBinary: boolean): void => {
    this.heard = true;
    if (this.#admitted) {
      this.#dispatch(data, isBinary);
      return;
    }
    if (this.#closed) return;
    this.#pendingBytes += byteLength(data);
    if (this.#pendingBytes > this.limits.maxPendingBytes) {
      this.#dropPending();
      closeWebSocketFor('limit', this.client, WsStatus.WS_1009_MESSAGE_TOO_BIG, MESSAGE_TOO_BIG_REASON);
      return;
    }
    if (this.#pending.length >= this.limits.maxPendingMessages) {
      this.#dropPending();
      closeWebSocketFor('limit', this.client, WsStatus.WS_1008_POLICY_VIOLATION, TOO_MANY_PENDING_MESSAGES_REASON);
      return;
    }
    this.#pending.push({ data, isBinary });
  };

  #dispatch(data: RawData, isBinary: boolean): void {
    // Once we have sent our close frame (an error, a limit, shutdown) no reply can follow, so a
    // message that crossed it is not handled: the client, told to go, resends what it saw no
    // reply to elsewhere, and nothing is handled twice.
    if (this.client.readyState !== ReadyState.OPEN) return;
    const dispatchers = this.#dispatchers;
    for (let i = 0; i < dispatchers.length; i++) dispatchers[i]!(data, isBinary);
  }

  #dropPending(): void {
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#closed = true;
  }

  /** The socket's first `close` listener: how the client left is settled before Nest's `handleDisconnect`. */
  #onClose = (code: number, reason: Buffer): void => {
    recordDisconnect(this.client, code, reason);
    this.#closed = true;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.client.off(MESSAGE_EVENT, this.#onMessage);
    const subscriptions = this.#subscriptions;
    this.#subscriptions = undefined;
    subscriptions?.forEach(subscription => subscription.unsubscribe());
  };
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, chunk) => sum + chunk.length, 0);
  return (data as Buffer | ArrayBuffer).byteLength;
}

type WithSession = { [kClientSession]?: ClientSession };

export function getClientSession(client: unknown): ClientSession | undefined {
  return client !== null && typeof client === 'object' ? (client as WithSession)[kClientSession] : undefined;
}

export function attachClientSession(client: WebSocket, session: ClientSession): void {
  (client as WithSession)[kClientSession] = session;
}
