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

/** One upgrade, from its route to its conclusion. */
export interface HandshakeAttempt {
  readonly route: Route;
  readonly request: http.IncomingMessage;
  readonly socket: Duplex;
  readonly head: Buffer;
  readonly raw: RawHandshake;
  /** Shared by the pending stand-in and, once accepted, the socket. */
  readonly state: ClientState;
  readonly pending: PendingWsClient;
  /** The gateway whose check is running, so that a failure names it. */
  failing?: GatewayDescriptor;
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
  const handshake: RawHandshakeData = { validated: false, ...rawValues(raw), rawParams: raw.params, url: request.url ?? '/' };
  const state: ClientState = { gateways: route.gateways, checked: route.checked, handshake, upgrade: upgradeRequestInfo(request, clientAddress(request, settings.trustProxy)), settings };
  const pending = new PendingWsClient();
  setClientState(pending, state);
  return { route, request, socket, head, raw, state, pending };
}

/** What a source with no DTO exposes: one value per query key unless the key was repeated. */
function rawValues(raw: RawHandshake): Omit<RawHandshakeData, 'validated' | 'rawParams' | 'url'> {
  const query: Record<string, string | string[]> = Object.create(null);
  for (const key of Object.keys(raw.query)) {
    const values = raw.query[key]!;
    query[key] = values.length === 1 ? values[0]! : values;
  }
  return { params: raw.params, query, headers: raw.headers, cookies: raw.cookies };
}
