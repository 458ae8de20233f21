import type { CloseReasonOptions } from '../close-frame/close-reason.encoder.js';
import type { CandidateFilter } from '../filters/filter-chain.js';
import type { HandshakeData, RawHandshakeData } from '../handshake/handshake-data.interface.js';
import type { UpgradeRequestInfo } from '../handshake/upgrade-request.js';
import { kClientState } from '../ws-errors.constants.js';
import type { GatewayDescriptor } from './gateway-descriptor.js';

/** The one handshake object of a client: raw values until its checks passed, then the DTO instances. */
export type ClientHandshake = HandshakeData | RawHandshakeData;

/** What a served client carries: whom it belongs to and its handshake. */
export interface ClientState {
  /** The gateways of the server that accepted the client (one, unless two share a path). */
  readonly gateways: readonly GatewayDescriptor[];
  /**
   * A gateway of the route declares `@WsHandshake`: its handshake is checked and its client
   * kept out of sight until admitted. Without it a gateway behaves as on the stock adapter.
   */
  readonly checked: boolean;
  handshake: ClientHandshake;
  /** The upgrade request's headers, URL and peer address, for `getUpgradeRequest(client)`. */
  readonly upgrade: UpgradeRequestInfo;
  /** The adapter's settings, for filters that have no DI (e.g. `new WebSocketExceptionFilter()`). */
  readonly settings: ClientSettingsView;
}

/** The part of the adapter's settings that filters read. */
export interface ClientSettingsView {
  readonly reason: CloseReasonOptions | undefined;
  readonly logErrors: boolean;
  /** The module's filters, most preferred first. */
  readonly globalFilters: readonly CandidateFilter[];
}

type WithState = { [kClientState]?: ClientState };

export function getClientState(client: unknown): ClientState | undefined {
  return client !== null && typeof client === 'object' ? (client as WithState)[kClientState] : undefined;
}

/** A symbol key: invisible to `Object.keys`, `for…in` and JSON, and cheaper than `defineProperty` per connection. */
export function setClientState(client: object, state: ClientState): void {
  (client as WithState)[kClientState] = state;
}
