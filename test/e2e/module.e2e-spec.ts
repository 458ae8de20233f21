import {
  Catch,
  Global,
  Injectable,
  Module,
  UseFilters,
  type ArgumentsHost,
  type ExceptionFilter,
  type INestApplication,
  type ModuleMetadata,
} from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway, WsException } from '@nestjs/websockets';
import { IsInt } from 'class-validator';
import { afterEach, describe, expect, it } from 'vitest';
import {
  WebSocketException,
  WebSocketExceptionFilter,
  WsErrorsModule,
  WsHandshake,
  WsValidationPipe,
  closeWebSocket,
  type ValidatingWsAdapterOptions,
} from '../../src/index.js';
import { connectWs } from '../../src/testing/index.js';
import { startApp } from '../fixtures/app.js';

class Query {
  @IsInt() q!: number;
}

/** What a gateway's message handlers throw, by event. */
const throwers: Record<string, () => unknown> = {
  'ws-exception': () => new WebSocketException(4001, 'nope: ws'),
  'plain-ws-exception': () => new WsException('nope'),
  error: () => new Error('secret'),
};

abstract class Throwing {
  @SubscribeMessage('ws-exception')
  wsException(): never {
    throw throwers['ws-exception']!();
  }
  @SubscribeMessage('plain-ws-exception')
  plainWsException(): never {
    throw throwers['plain-ws-exception']!();
  }
  @SubscribeMessage('error')
  error(): never {
    throw throwers.error!();
  }
  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown) {
    return { event: 'echo', data };
  }
  @SubscribeMessage('typed')
  typed(@MessageBody(new WsValidationPipe()) body: Query) {
    return { event: 'typed', data: body.q };
  }
}

/** No `@UseFilters`: only the module's filters can close it. */
@WebSocketGateway({ path: '/plain' })
@WsHandshake({ query: Query })
class PlainGateway extends Throwing {}

@Catch()
class ModuleFilter implements ExceptionFilter {
  catch(_exception: unknown, host: ArgumentsHost): void {
    closeWebSocket(host.switchToWs().getClient(), 4100, 'module filter');
  }
}

@Catch()
class GatewayFilter implements ExceptionFilter {
  catch(_exception: unknown, host: ArgumentsHost): void {
    closeWebSocket(host.switchToWs().getClient(), 4200, 'gateway filter');
  }
}

/** Catches `WsException` only: anything else goes on to the module's filters. */
@Catch(WsException)
class WsExceptionOnlyFilter implements ExceptionFilter {
  catch(_exception: unknown, host: ArgumentsHost): void {
    closeWebSocket(host.switchToWs().getClient(), 4201, 'narrow gateway filter');
  }
}

@WebSocketGateway({ path: '/own' })
@WsHandshake({ query: Query })
@UseFilters(GatewayFilter)
class OwnFilterGateway extends Throwing {}

@WebSocketGateway({ path: '/narrow' })
@UseFilters(WsExceptionOnlyFilter)
class NarrowFilterGateway extends Throwing {}

@Injectable()
class Recorder {
  readonly seen: string[] = [];
}

@Module({ providers: [Recorder], exports: [Recorder] })
class RecorderModule {}

@Global()
@Module({ providers: [Recorder], exports: [Recorder] })
class GlobalRecorderModule {}

/** A module filter with a constructor dependency: it must come from DI. */
@Catch(WebSocketException)
@Injectable()
class InjectedFilter implements ExceptionFilter {
  constructor(private readonly recorder: Recorder) {}

  catch(exception: WebSocketException, host: ArgumentsHost): void {
    this.recorder.seen.push(exception.reason);
    closeWebSocket(host.switchToWs().getClient(), 4300, `injected ${this.recorder.constructor.name}`);
  }
}

describe('WsErrorsModule', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function start(metadata: ModuleMetadata, adapterOptions?: ValidatingWsAdapterOptions): Promise<INestApplication> {
    app = await startApp(metadata, adapterOptions);
    return app;
  }

  async function closeAfter(target: INestApplication, path: string, event: string) {
    const ws = connectWs(target, path);
    await ws.opened;
    ws.send(event);
    return ws.outcome;
  }

  it.each([
    ['ws-exception', 4001, 'nope: ws'],
    ['plain-ws-exception', 1008, 'nope'],
    ['error', 1011, 'Internal Server Error'],
  ])('forRoot({ filters: [WebSocketExceptionFilter] }) closes a gateway without @UseFilters on %s', async (event, code, reason) => {
    const target = await start({ imports: [WsErrorsModule.forRoot({ filters: [WebSocketExceptionFilter] })], providers: [PlainGateway] });
    expect(await closeAfter(target, '/plain?q=1', event)).toMatchObject({ kind: 'closed', code, reason });
  });

  describe('with a module filter and gateways with filters of their own', () => {
    const metadata = (): ModuleMetadata => ({
      imports: [WsErrorsModule.forRoot({ filters: [ModuleFilter] })],
      providers: [PlainGateway, OwnFilterGateway, NarrowFilterGateway],
    });

    it('applies the module filter to message and handshake errors of a gateway without @UseFilters', async () => {
      const target = await start(metadata());
      expect(await closeAfter(target, '/plain?q=1', 'error')).toMatchObject({ kind: 'closed', code: 4100, reason: 'module filter' });
      expect(await connectWs(target, '/plain?q=abc').outcome).toMatchObject({ kind: 'closed', code: 4100, reason: 'module filter' });
    });

    it("lets the gateway's own @UseFilters take precedence, for messages and the handshake", async () => {
      const target = await start(metadata());
      expect(await closeAfter(target, '/own?q=1', 'error')).toMatchObject({ kind: 'closed', code: 4200, reason: 'gateway filter' });
      expect(await connectWs(target, '/own?q=abc').outcome).toMatchObject({ kind: 'closed', code: 4200, reason: 'gateway filter' });
    });

    it("falls back to the module filter for what the gateway's own filter does not catch", async () => {
      const target = await start(metadata());
      expect(await closeAfter(target, '/narrow', 'plain-ws-exception')).toMatchObject({ kind: 'closed', code: 4201 });
      expect(await closeAfter(target, '/narrow', 'error')).toMatchObject({ kind: 'closed', code: 4100, reason: 'module filter' });
    });
  });

  it('injects the constructor dependencies of a module filter class', async () => {
    const target = await start({
      imports: [GlobalRecorderModule, WsErrorsModule.forRoot({ filters: [InjectedFilter] })],
      providers: [PlainGateway],
    });
    expect(await closeAfter(target, '/plain?q=1', 'ws-exception')).toMatchObject({ kind: 'closed', code: 4300, reason: 'injected Recorder' });
    expect(target.get(Recorder).seen).toEqual(['nope: ws']);
  });

  it('forRootAsync: options from an async factory, filters beside it resolved with DI from its imports', async () => {
    const target = await start({
      imports: [
        WsErrorsModule.forRootAsync({
          imports: [RecorderModule],
          useFactory: async () => {
            await Promise.resolve();
            return { handshakeRejection: 'http' as const };
          },
          filters: [InjectedFilter],
        }),
      ],
      providers: [PlainGateway],
    });
    expect(await closeAfter(target, '/plain?q=1', 'ws-exception')).toMatchObject({ kind: 'closed', code: 4300, reason: 'injected Recorder' });
    expect(target.get(Recorder, { strict: false }).seen).toEqual(['nope: ws']);
    const refused = await connectWs(target, '/plain?q=abc').outcome;
    expect(refused).toMatchObject({ kind: 'refused', status: 400, body: { code: 1008 } });
  });

  describe('options', () => {
    const expectedErrors = [{ type: 'isInt', loc: ['query', 'q'], msg: 'q must be an integer number', input: 'abc' }];

    it("forRoot({ handshakeRejection: 'http' }) refuses a handshake validation error with HTTP 400 and a JSON body", async () => {
      const target = await start({ imports: [WsErrorsModule.forRoot({ handshakeRejection: 'http' })], providers: [PlainGateway] });
      const outcome = await connectWs(target, '/plain?q=abc').outcome;
      expect(outcome).toMatchObject({ kind: 'refused', status: 400 });
      const body = (outcome as { body: { code: number; reason: unknown; errors: unknown } }).body;
      expect(body).toEqual({ code: 1008, reason: JSON.stringify(expectedErrors), errors: expectedErrors });
    });

    it("lets the adapter's own options override the module's", async () => {
      const target = await start(
        { imports: [WsErrorsModule.forRoot({ handshakeRejection: 'http' })], providers: [PlainGateway] },
        { handshakeRejection: 'close' },
      );
      const outcome = await connectWs(target, '/plain?q=abc').outcome;
      expect(outcome).toMatchObject({ kind: 'closed', code: 1008 });
      expect(JSON.parse((outcome as { reason: string }).reason)).toEqual(expectedErrors);
    });
  });

  describe('without the module and without filters (the drop-in promise)', () => {
    // This library's own exceptions mean a close frame with or without a filter: no stock code throws them.
    it('still closes with the code of a WebSocketException', async () => {
      const target = await start({ providers: [PlainGateway] });
      const ws = connectWs(target, '/plain?q=1');
      await ws.opened;
      ws.send('ws-exception');
      expect(await ws.outcome).toMatchObject({ kind: 'closed', code: 4001, reason: 'nope: ws' });
    });

    it('still closes a message body validation error with 1008 and the JSON errors', async () => {
      const target = await start({ providers: [PlainGateway] });
      const ws = connectWs(target, '/plain?q=1');
      await ws.opened;
      ws.send('typed', { q: 2 });
      expect(await ws.receive()).toEqual({ event: 'typed', data: 2 });
      ws.send('typed', { q: 'two' });
      const outcome = await ws.outcome;
      expect(outcome).toMatchObject({ kind: 'closed', code: 1008 });
      expect(JSON.parse((outcome as { reason: string }).reason)).toEqual([
        { type: 'isInt', loc: ['body', 'q'], msg: 'q must be an integer number', input: 'two' },
      ]);
    });

    it.each([
      ['plain-ws-exception', { status: 'error', message: 'nope', cause: { pattern: 'plain-ws-exception' } }],
      ['error', { status: 'error', message: 'Internal server error', cause: { pattern: 'error' } }],
    ])('answers %s with Nest\'s stock "exception" message and keeps the socket open', async (event, data) => {
      const target = await start({ providers: [PlainGateway] });
      const ws = connectWs(target, '/plain?q=1');
      await ws.opened;
      ws.send(event);
      expect(await ws.receive()).toMatchObject({ event: 'exception', data });
      ws.send('echo', 'still open');
      expect(await ws.receive()).toEqual({ event: 'echo', data: 'still open' });
      expect(await ws.close()).toMatchObject({ kind: 'closed', code: 1000 });
    });
  });
});
