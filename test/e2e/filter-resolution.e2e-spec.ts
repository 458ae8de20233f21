import { Catch, Global, Injectable, Module, UseFilters, type ArgumentsHost, type ExceptionFilter, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { IsInt } from 'class-validator';
import { afterEach, describe, expect, it } from 'vitest';
import { ValidatingWsAdapter, WsErrorsModule, WsHandshake, closeWebSocket, type ValidatingWsAdapterOptions, type WsErrorsFilter } from '../../src/index.js';
import { connectWs } from '../../src/testing/index.js';

/** A dependency only Nest's injector can give. */
@Injectable()
class CloseCodes {
  readonly code = 4321;
}

@Global()
@Module({ providers: [CloseCodes], exports: [CloseCodes] })
class CloseCodesModule {}

/** A filter with a constructor dependency: it must be the instance Nest made, never a bare `new`. */
@Catch()
@Injectable()
class InjectedFilter implements ExceptionFilter {
  constructor(private readonly codes: CloseCodes) {}
  catch(_exception: unknown, host: ArgumentsHost): void {
    closeWebSocket(host.switchToWs().getClient(), this.codes.code, 'injected');
  }
}

class Query {
  @IsInt() q!: number;
}

@WebSocketGateway({ path: '/class-filter' })
@WsHandshake({ query: Query })
@UseFilters(InjectedFilter)
class ClassFilterGateway {
  @SubscribeMessage('boom')
  boom() {
    throw new Error('boom');
  }
}

@WebSocketGateway({ path: '/method-filter' })
@WsHandshake()
class MethodFilterGateway {
  @UseFilters(InjectedFilter)
  @SubscribeMessage('boom')
  boom() {
    throw new Error('boom');
  }
}

@WebSocketGateway({ path: '/global-filter' })
@WsHandshake({ query: Query })
class GlobalFilterGateway {
  @SubscribeMessage('boom')
  boom() {
    throw new Error('boom');
  }
}

async function start(imports: unknown[], providers: unknown[], adapterOptions?: ValidatingWsAdapterOptions): Promise<INestApplication> {
  @Module({ imports: [CloseCodesModule, ...(imports as never[])], providers: providers as never[] })
  class AppModule {}
  const app = await NestFactory.create(AppModule, { logger: false });
  try {
    app.useWebSocketAdapter(new ValidatingWsAdapter(app, adapterOptions));
  } catch (error) {
    await app.close();
    throw error;
  }
  await app.listen(0, '127.0.0.1');
  return app;
}

async function expectInjectedClose(app: INestApplication, path: string): Promise<void> {
  // At the handshake (a DTO failure) where the gateway has DTOs, and for a message.
  if (!path.startsWith('/method')) {
    expect(await connectWs(app, `${path}?q=abc`).outcome).toMatchObject({ kind: 'closed', code: 4321, reason: 'injected' });
  }
  const ws = connectWs(app, `${path}?q=1`);
  await ws.opened;
  ws.send('boom');
  expect(await ws.outcome).toMatchObject({ kind: 'closed', code: 4321, reason: 'injected' });
}

describe('a filter class with a constructor dependency, in every place a filter can be given', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('@UseFilters on the gateway class', async () => {
    app = await start([], [ClassFilterGateway]);
    await expectInjectedClose(app, '/class-filter');
  });

  it('@UseFilters on a message handler', async () => {
    app = await start([], [MethodFilterGateway]);
    await expectInjectedClose(app, '/method-filter');
  });

  it('WsErrorsModule.forRoot({ filters })', async () => {
    app = await start([WsErrorsModule.forRoot({ filters: [InjectedFilter] })], [GlobalFilterGateway]);
    await expectInjectedClose(app, '/global-filter');
  });

  it('WsErrorsModule.forRootAsync({ filters })', async () => {
    app = await start([WsErrorsModule.forRootAsync({ useFactory: () => ({}), filters: [InjectedFilter] })], [GlobalFilterGateway]);
    await expectInjectedClose(app, '/global-filter');
  });

  it("the adapter's own options, for a class some module provides", async () => {
    app = await start([], [GlobalFilterGateway, InjectedFilter], { filters: [InjectedFilter as WsErrorsFilter] });
    await expectInjectedClose(app, '/global-filter');
  });

  it("the adapter's own options, for a class no module provides: a start-up error naming it", async () => {
    await expect(start([], [GlobalFilterGateway], { filters: [InjectedFilter as WsErrorsFilter] })).rejects.toThrow(
      /InjectedFilter has constructor dependencies, but no module provides it/,
    );
  });
});
