import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectWs } from '../../../src/testing/index.js';
import { useAppBehindNginx } from '../../fixtures/app-behind-nginx.js';
import { departures, LifecycleGateway } from '../lifecycle/lifecycle-gateway.js';

/**
 * The heartbeat through a real nginx: nginx relays ping and pong frames as bytes, so a client
 * behind it that does not answer is still found and dropped, one that answers stays, and the
 * pings keep an idle connection alive past nginx's own `proxy_read_timeout`.
 */

/** nginx drops a connection on which the app sent nothing for this long. */
const NGINX_READ_TIMEOUT = '1s';
const INTERVAL = 100;
const TIMEOUT = 100;

function behindNginx(heartbeat: { interval: number; timeout: number } | false) {
  return useAppBehindNginx({ providers: [LifecycleGateway] }, { heartbeat, closeTimeout: 500 }, { readTimeout: NGINX_READ_TIMEOUT });
}

describe('heartbeat through nginx', () => {
  const setup = behindNginx({ interval: INTERVAL, timeout: TIMEOUT });

  it('drops a client behind nginx that does not answer pings; handleDisconnect sees cause heartbeat', async () => {
    const socket = new WebSocket(`${setup.proxy.url}/life?tag=nginx-deaf`, { autoPong: false });
    let pings = 0;
    socket.on('ping', () => pings++);
    const closed = new Promise<number>(resolve => socket.once('close', code => resolve(code)));
    await new Promise(resolve => socket.once('open', resolve));
    const { info } = await departures.of('nginx-deaf');
    expect(info).toMatchObject({ cause: 'heartbeat', initiator: 'server', wasClean: false });
    // The server dropped its connection to nginx; nginx then closes the client's, without a frame.
    expect(await closed).toBe(1006);
    expect(pings).toBeGreaterThanOrEqual(1);
  });

  it("keeps a client that answers, though it sends nothing for longer than nginx's proxy_read_timeout", async () => {
    const ws = connectWs(setup.proxy.url, '/life', { query: { tag: 'nginx-alive' }, timeout: 30_000 });
    await ws.opened;
    // 25 pings at least 100 ms apart: well past nginx's 1 s read timeout, and the pings are
    // all nginx reads from the app meanwhile.
    await new Promise<void>(resolve => {
      let pings = 0;
      ws.socket.on('ping', () => {
        if (++pings === 25) resolve();
      });
    });
    expect(ws.socket.readyState).toBe(WebSocket.OPEN);
    ws.send('echo', 'still here');
    expect(await ws.receive()).toEqual({ event: 'echo', data: 'still here' });
    expect(await ws.close(1000, 'done')).toMatchObject({ kind: 'closed', code: 1000 });
    expect((await departures.of('nginx-alive')).info).toMatchObject({ cause: 'client', code: 1000 });
  });
});

describe('no heartbeat through nginx', () => {
  const setup = behindNginx(false);

  it("an idle connection is cut by nginx's proxy_read_timeout: why the interval must stay below it", async () => {
    const ws = connectWs(setup.proxy.url, '/life', { query: { tag: 'nginx-quiet' }, timeout: 30_000 });
    await ws.opened;
    expect(await ws.outcome).toMatchObject({ kind: 'closed', code: 1006, wasClean: false });
    expect((await departures.of('nginx-quiet')).info).toMatchObject({ cause: 'client', initiator: 'client' });
  });
});
