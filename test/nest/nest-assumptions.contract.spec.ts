import { Catch, Injectable, Module, UseFilters, UseGuards, type ArgumentsHost, type CanActivate, type ExceptionFilter, type INestApplication } from '@nestjs/common';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { WsAdapter } from '@nestjs/platform-ws';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { guardRefs, filterRefs, caughtTypes, addLeastPreferredClassFilter } from '../../src/nest/gateway-enhancer-metadata.js';
import { replaceGatewayHook } from '../../src/nest/gateway-hooks.js';
import { messagePatternOf } from '../../src/nest/message-pattern.js';
import { findInstance, gatewayProviders } from '../../src/nest/module-container.js';
import * as keys from '../../src/nest/nest-metadata.js';
import { createWsHost } from '../../src/nest/ws-host.js';
import { exposePathParams } from '../../src/nest/ws-path-params.js';
import { connectWs } from '../../src/testing/index.js';

/**
 * One test per assumption the library makes about Nest internals (src/nest/). Each failure
 * names the assumption and the Nest file it mirrors, so a Nest upgrade says exactly what moved.
 */
const broken = (assumption: string, nestFile: string) => `Nest assumption broken: ${assumption} (mirrors ${nestFile})`;

const events: string[] = [];
const hostArgs: unknown[][] = [];

@Injectable()
class AllowGuard implements CanActivate {
  canActivate() {
    return true;
  }
}

@Catch(RangeError)
class FirstListedFilter implements ExceptionFilter {
  catch(_exception: unknown, host: ArgumentsHost) {
    events.push('first-listed');
    hostArgs.push(host.getArgs());
    (host.switchToWs().getClient() as WebSocket).send(JSON.stringify({ event: 'caught-by', data: 'first' }));
  }
}

@Catch()
class LastListedFilter implements ExceptionFilter {
  catch(_exception: unknown, host: ArgumentsHost) {
    events.push('last-listed');
    hostArgs.push(host.getArgs());
    (host.switchToWs().getClient() as WebSocket).send(JSON.stringify({ event: 'caught-by', data: 'last' }));
  }
}

@WebSocketGateway({ path: '/contract' })
@UseGuards(AllowGuard)
@UseFilters(FirstListedFilter, LastListedFilter)
class ContractGateway {
  handleConnection() {
    events.push('original-connect');
  }
  handleDisconnect(_client: WebSocket, ...rest: unknown[]) {
    events.push(`disconnect:${JSON.stringify(rest)}`);
  }
  @SubscribeMessage('fail')
  fail(@MessageBody() _body: unknown) {
    throw new RangeError('x');
  }
}

describe('Nest internals this library relies on (src/nest/)', () => {
  let app: INestApplication;
  let modules: ModulesContainer;
  let connectSawWrapperSynchronously = false;

  beforeAll(async () => {
    @Module({ providers: [ContractGateway] })
    class ContractModule {}
    app = await NestFactory.create(ContractModule, { logger: false });
    modules = app.get(ModulesContainer);
    // What the adapter does in its constructor, before init: replace the hooks on the instance.
    const [provider] = gatewayProviders(modules);
    replaceGatewayHook(provider!.instance, 'handleConnection', original =>
      function (this: unknown, client: unknown, ...rest: unknown[]) {
        events.push('wrapper-connect');
        original.call(this, client, ...rest);
      },
    );
    addLeastPreferredClassFilter(ContractGateway, new (class NoopFilter implements ExceptionFilter { catch() {} })());
    const adapter = new WsAdapter(app);
    const bindClientConnect = adapter.bindClientConnect.bind(adapter);
    adapter.bindClientConnect = (server, callback) =>
      bindClientConnect(server, (...args: unknown[]) => {
        const before = events.length;
        callback(...args);
        connectSawWrapperSynchronously = events.slice(before).includes('wrapper-connect');
      });
    app.useWebSocketAdapter(adapter);
    await app.listen(0, '127.0.0.1');
  });
  afterAll(() => app.close());

  it('metadata keys come from the internal entry points with the values Nest writes', () => {
    const file = 'packages/common/constants.ts, packages/websockets/constants.ts';
    expect(keys.GUARDS_METADATA, broken('@nestjs/common/internal exports GUARDS_METADATA', file)).toBe('__guards__');
    expect(keys.EXCEPTION_FILTERS_METADATA, broken('@nestjs/common/internal exports EXCEPTION_FILTERS_METADATA', file)).toBe('__exceptionFilters__');
    expect(keys.FILTER_CATCH_EXCEPTIONS, broken('@nestjs/common/internal exports FILTER_CATCH_EXCEPTIONS', file)).toBe('__filterCatchExceptions__');
    for (const key of ['GATEWAY_METADATA', 'GATEWAY_OPTIONS', 'PORT_METADATA', 'MESSAGE_MAPPING_METADATA', 'MESSAGE_METADATA', 'PARAM_ARGS_METADATA'] as const) {
      expect(typeof keys[key], broken(`@nestjs/websockets/internal exports ${key}`, file)).toBe('string');
    }
    expect(Reflect.getMetadata(keys.GATEWAY_OPTIONS, ContractGateway), broken('@WebSocketGateway stores its options under GATEWAY_OPTIONS', 'packages/websockets/decorators/socket-gateway.decorator.ts')).toMatchObject({ path: '/contract' });
    expect(Reflect.getMetadata(keys.MESSAGE_METADATA, ContractGateway.prototype.fail), broken('@SubscribeMessage stores its pattern under MESSAGE_METADATA', 'packages/websockets/decorators/subscribe-message.decorator.ts')).toBe('fail');
    expect(guardRefs(ContractGateway), broken('@UseGuards stores class guards under GUARDS_METADATA', 'packages/common/decorators/core/use-guards.decorator.ts')).toEqual([AllowGuard]);
    expect(filterRefs(ContractGateway).slice(1), broken('@UseFilters stores filters under EXCEPTION_FILTERS_METADATA, in listing order', 'packages/common/decorators/core/exception-filters.decorator.ts')).toEqual([FirstListedFilter, LastListedFilter]);
    expect(caughtTypes(new FirstListedFilter()), broken('@Catch stores its types under FILTER_CATCH_EXCEPTIONS', 'packages/common/decorators/core/catch.decorator.ts')).toEqual([RangeError]);
  });

  it('@MessageBody() is param type 3 (WsParamtype.PAYLOAD)', () => {
    const args = Reflect.getMetadata(keys.PARAM_ARGS_METADATA, ContractGateway, 'fail') as Record<string, { index: number }>;
    expect(Object.keys(args ?? {}).map(key => key.split(':')[0]), broken('WsParamtype.PAYLOAD is 3', 'packages/websockets/enums/ws-paramtype.enum.ts')).toContain(String(keys.WS_PAYLOAD_PARAM_TYPE));
  });

  it('the module container holds gateway instances and enhancer instances where the library looks', () => {
    const file = 'packages/core/injector/module.ts, instance-wrapper.ts';
    const [provider] = gatewayProviders(modules);
    expect(provider?.gateway, broken('a gateway is a provider of its module, with metatype and a static instance', file)).toBe(ContractGateway);
    expect(provider?.instance, broken('the provider wrapper holds the gateway instance', file)).toBe(app.get(ContractGateway));
    expect(findInstance(modules, AllowGuard, provider!.moduleKey), broken("@UseGuards classes are instances in the declaring module's injectables", file)).toBeInstanceOf(AllowGuard);
    expect(findInstance(modules, LastListedFilter, provider!.moduleKey), broken("@UseFilters classes are instances in the declaring module's injectables", file)).toBeInstanceOf(LastListedFilter);
  });

  it('an execution context built with ExecutionContextHost reads as Nest builds one for a message', () => {
    const client = {};
    const host = createWsHost([client, 'data'], ContractGateway, ContractGateway.prototype.fail);
    const file = 'packages/core/helpers/execution-context-host.ts';
    expect(host.getType(), broken('ExecutionContextHost.setType("ws")', file)).toBe('ws');
    expect(host.switchToWs().getClient(), broken('switchToWs().getClient() is the first argument', file)).toBe(client);
    expect(host.switchToWs().getData(), broken('switchToWs().getData() is the second argument', file)).toBe('data');
    expect(host.getClass(), broken('getClass() is the gateway', file)).toBe(ContractGateway);
  });

  it('hooks replaced on the instance before init are the ones Nest calls, synchronously in the connection event', async () => {
    const file = 'packages/websockets/web-sockets-controller.ts';
    events.length = 0;
    const ws = connectWs(app, '/contract');
    await ws.opened;
    ws.send('fail', {});
    expect(await ws.receive(), broken('Nest tries the class filters listed later first', 'packages/websockets/context/exception-filters-context.ts')).toEqual({ event: 'caught-by', data: 'last' });
    expect(events.slice(0, 2), broken('Nest binds handleConnection at init, after useWebSocketAdapter(), so the replaced hook runs', file)).toEqual(['wrapper-connect', 'original-connect']);
    expect(connectSawWrapperSynchronously, broken('Nest calls handleConnection synchronously inside the server connection event', file)).toBe(true);
    expect(messagePatternOf(hostArgs.at(-1)!), broken('the handler proxy appends the pattern as the last argument', 'packages/websockets/context/ws-proxy.ts')).toBe('fail');
    await ws.close(4321);
    await new Promise<void>(resolve => {
      const poll = () => (events.some(event => event.startsWith('disconnect')) ? resolve() : setImmediate(poll));
      poll();
    });
    expect(events.find(event => event.startsWith('disconnect')), broken('handleDisconnect(client, code) receives the close code second', file)).toBe('disconnect:[4321]');
  });

  it('WS_PATH_PARAMS, where this Nest has it, is a key the library can set', () => {
    const request = {} as never;
    const client: Record<string | symbol, unknown> = {};
    exposePathParams(request, client, { id: '1' });
    expect((request as { params?: unknown }).params, broken('handleConnection(client, request) reads path params on request.params', 'packages/platform-ws/adapters/ws-adapter.ts')).toEqual({ id: '1' });
  });
});
