import { UseFilters } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { WebSocket, WebSocketServer as WsServer } from 'ws';
import {
  WebSocketException,
  WebSocketExceptionFilter,
  getDisconnectInfo,
  getHandshake,
  type DisconnectInfo,
} from '../../../src/index.js';
import { deferred } from '../../fixtures/hostile-raw.js';

/** What `handleDisconnect` saw for one client: `getDisconnectInfo` then, and Nest's second argument. */
export interface Departure {
  info: DisconnectInfo | undefined;
  nestCode: unknown;
  client: WebSocket;
}

/** Departures by the `tag` query parameter each test client connects with. */
export class DepartureLog {
  readonly #waiters = new Map<string, ReturnType<typeof deferred<Departure>>>();
  readonly all: Departure[] = [];

  #entry(tag: string) {
    let entry = this.#waiters.get(tag);
    if (!entry) this.#waiters.set(tag, (entry = deferred<Departure>()));
    return entry;
  }

  record(tag: string, departure: Departure): void {
    this.all.push(departure);
    this.#entry(tag).resolve(departure);
  }

  /** Resolves when the client tagged `tag` reaches `handleDisconnect`. */
  of(tag: string): Promise<Departure> {
    return this.#entry(tag).promise;
  }
}

export const departures = new DepartureLog();

/** The largest `bufferedAmount` seen right after a send of the `flood` handler, and how much it sent. */
export const flood = { maxBuffered: 0, sent: 0, stoppedOpen: false };
export const FLOOD_CHUNK = 64 * 1024;
/** Without a bound, the flood would buffer this much: far past any bound a test sets. */
export const FLOOD_CAP = 256 * 1024 * 1024;

@WebSocketGateway({ path: '/life' })
@UseFilters(WebSocketExceptionFilter)
export class LifecycleGateway {
  @WebSocketServer() server!: WsServer;

  handleDisconnect(client: WebSocket, nestCode: unknown) {
    const tag = String(getHandshake(client).query.tag ?? '');
    departures.record(tag, { info: getDisconnectInfo(client), nestCode, client });
  }

  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown) {
    return { event: 'echo', data };
  }

  /** What `getDisconnectInfo` says while the client is connected. */
  @SubscribeMessage('info')
  info(@ConnectedSocket() client: WebSocket) {
    return { event: 'info', data: getDisconnectInfo(client) ?? null };
  }

  @SubscribeMessage('fail')
  fail() {
    throw new WebSocketException(4001, 'nope');
  }

  /** The app's own close. */
  @SubscribeMessage('kick')
  kick(@ConnectedSocket() client: WebSocket) {
    client.close(4000, 'kicked');
  }

  /** Sends as fast as the event loop lets it, while the client is open. */
  @SubscribeMessage('flood')
  flood(@ConnectedSocket() client: WebSocket) {
    const chunk = 'x'.repeat(FLOOD_CHUNK);
    flood.maxBuffered = 0;
    flood.sent = 0;
    const pump = () => {
      for (let i = 0; i < 16 && client.readyState === client.OPEN && flood.sent < FLOOD_CAP; i++) {
        client.send(chunk);
        flood.sent += chunk.length;
        flood.maxBuffered = Math.max(flood.maxBuffered, client.bufferedAmount);
      }
      if (client.readyState === client.OPEN && flood.sent < FLOOD_CAP) setImmediate(pump);
      else flood.stoppedOpen = client.readyState === client.OPEN;
    };
    pump();
  }
}
