import type * as http from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import type { AdapterSettings } from '../adapter/adapter-settings.js';
import type { ClientState } from '../context/client-state.js';
import { setClientState } from '../context/client-state.js';
import type { GatewayDescriptor } from '../context/gateway-descriptor.js';
import type { RawHandshake, RawHandshakeData } from '../handshake/handshake-data.interface.js';
import { clientAddress } from '../handshake/client-address.js';
import { parseHandshake } from '../handshake/handshake.parser.js';
import { upgradeRequestInfo } from '../handshake/upgrade-request.js';
import type { ServerRoute } from '../adapter/upgrade.router.js';
import { PendingWsClient } from './pending-client.js';

export type Route = ServerRoute<WebSocketServer>;

const NOTHING_SENT: readonly unknown[] = Object.freeze([]);

/** One upgrade, from its route to its conclusion. */
export class HandshakeAttempt {
  #pending?: PendingWsClient;
  /** The gateway whose check is running, so that a failure names it. */
  failing?: GatewayDescriptor;

  constructor(
    readonly route: Route,
    readonly request: http.IncomingMessage,
    readonly socket: Duplex,
    readonly head: Buffer,
    readonly raw: RawHandshake,
    /** Shared by the pending stand-in and, once accepted, the socket. */
    readonly state: ClientState,
  ) {}

  /** The stand-in guards and refusing filters see; made only when one of them runs. */
  get pending(): PendingWsClient {
    if (!this.#pending) {
      this.#pending = new PendingWsClient();
      setClientState(this.#pending, this.state);
    }
    return this.#pending;
  }

  /** What guards sent the stand-in before any refusal began: for the client once it is admitted. */
  get early(): readonly unknown[] {
    return this.#pending?.held ?? NOTHING_SENT;
  }
}

/** Parses what the client sent and sets up the state its stand-in and its socket share. */
export function startAttempt(
  route: Route,
  params: Record<string, string | string[]>,
  request: http.IncomingMessage,
  socket: Duplex,
  head: Buffer,
  search: string,
  settings: AdapterSettings,
): HandshakeAttempt {
  const raw = parseHandshake(request, search, params);
  const handshake: RawHandshakeData = {
    validated: false,
    params: raw.params,
    query: singleValues(raw.query),
    headers: raw.headers,
    cookies: raw.cookies,
    rawParams: raw.params,
    url: request.url ?? '/',
  };
  const state: ClientState = { gateways: route.gateways, checked: route.checked, handshake, upgrade: upgradeRequestInfo(request, clientAddress(request, settings.trustProxy)), settings };
  return new HandshakeAttempt(route, request, socket, head, raw, state);
}

/** What a query with no DTO exposes: one value per key unless the key was repeated. */
function singleValues(query: RawHandshake['query']): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = Object.create(null);
  for (const key of Object.keys(query)) {
    const sent = query[key]!;
    values[key] = sent.length === 1 ? sent[0]! : sent;
  }
  return values;
}
