import { Catch, UseFilters, type ArgumentsHost, type ExceptionFilter, type INestApplication } from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { IsString } from 'class-validator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  WebSocketRequestValidationError,
  WsStatus,
  WsValidationPipe,
  closeWebSocket,
  getEndpointContext,
  type EndpointContext,
} from '../../src/index.js';
import { connectWs } from '../../src/testing/index.js';
import { startApp } from '../fixtures/app.js';

const seen: { context: EndpointContext | undefined; exception: unknown }[] = [];

@Catch()
class RecordingFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    seen.push({ context: getEndpointContext(host), exception });
    closeWebSocket(host.switchToWs().getClient(), 4000, 'recorded');
  }
}

class NameDto {
  @IsString() name!: string;
}

@WebSocketGateway({ path: '/a' })
@UseFilters(RecordingFilter)
class AGateway {
  @SubscribeMessage('boom')
  boom(): never {
    throw new Error('a failed');
  }
}

@WebSocketGateway({ path: '/b' })
@UseFilters(RecordingFilter)
class BGateway {
  @SubscribeMessage('boom')
  boom(): never {
    throw new Error('b failed');
  }

  @SubscribeMessage('validate')
  handler(@MessageBody(new WsValidationPipe()) dto: NameDto) {
    return { event: 'ok', data: dto.name };
  }
}

describe('the endpoint context in the message phase', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await startApp({ providers: [AGateway, BGateway, RecordingFilter] });
  });
  afterAll(() => app.close());
  beforeEach(() => {
    seen.length = 0;
  });

  async function trigger(path: string, event: string, data?: unknown) {
    const ws = connectWs(app, path);
    await ws.opened;
    ws.send(event, data);
    expect(await ws.outcome).toMatchObject({ kind: 'closed', code: 4000, reason: 'recorded' });
    expect(seen).toHaveLength(1);
    return seen[0]!;
  }

  it.each([
    { path: '/a', gateway: AGateway, name: 'AGateway' },
    { path: '/b', gateway: BGateway, name: 'BGateway' },
  ])('names $name for the same "boom" pattern on $path', async ({ path, gateway, name }) => {
    const { context, exception } = await trigger(path, 'boom');
    expect(exception).toMatchObject({ message: `${name.at(0)!.toLowerCase()} failed` });
    expect(context).toMatchObject({
      gateway,
      handler: gateway.prototype.boom,
      function: `${name}.boom`,
      path: `WS ${path}`,
      phase: 'message',
      event: 'boom',
    });
  });

  it('sets endpointCtx on a body validation error before it reaches the filter', async () => {
    const { context, exception } = await trigger('/b', 'validate', { name: 7 });
    expect(exception).toBeInstanceOf(WebSocketRequestValidationError);
    const error = exception as WebSocketRequestValidationError;
    expect(error.endpointCtx).toEqual(context);
    expect(error.endpointCtx).toMatchObject({
      gateway: BGateway,
      handler: BGateway.prototype.handler,
      function: 'BGateway.handler',
      path: 'WS /b',
      phase: 'message',
      event: 'validate',
    });
    expect(error.errors()).toEqual([{ type: 'isString', loc: ['body', 'name'], msg: 'name must be a string', input: 7 }]);
    expect(error.toString()).toBe(
      '1 validation error:\n' +
        '  {"type":"isString","loc":["body","name"],"msg":"name must be a string","input":7}\n' +
        '  BGateway.handler\n' +
        '    WS /b',
    );
    expect(error.toString().endsWith('  BGateway.handler\n    WS /b')).toBe(true);
  });

  it('lets a valid body through to the handler', async () => {
    const ws = connectWs(app, '/b');
    await ws.opened;
    ws.send('validate', { name: 'x' });
    expect(await ws.receive()).toEqual({ event: 'ok', data: 'x' });
    expect(await ws.close()).toMatchObject({ kind: 'closed', code: WsStatus.WS_1000_NORMAL_CLOSURE });
    expect(seen).toEqual([]);
  });
});
