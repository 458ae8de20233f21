// The limit in Node: a plain `ws` server with the same routes, checks and echo as the
// Nest apps, written by hand. Handshake: `/items/:itemId/ws?q=<int>` with an `x-token`
// header and a `session` cookie (a failed check: upgrade, then close 1008 with a JSON
// reason, as ValidatingWsAdapter does); `/plain/ws` takes anyone.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { announce, startControl } from './control.mjs';

// The copy of `ws` that @nestjs/platform-ws (and so both Nest servers) runs on.
const require = createRequire(import.meta.url);
const { WebSocketServer } = createRequire(require.resolve('@nestjs/platform-ws'))('ws');
export const wsVersion = createRequire(require.resolve('@nestjs/platform-ws'))('ws/package.json').version;

const ITEM_PATH = /^\/items\/([^/]+)\/ws\/?$/;
const ITEM_ID = /^[a-z0-9-]+$/;
const INT = /^\s*[-+]?\d+\s*$/;

const counters = { opened: 0, closed: 0, rejected: 0, messages: 0 };
const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
const rejecter = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload: 1024 });

function onMessage(data, isBinary) {
  counters.messages++;
  if (isBinary) return;
  let message;
  try {
    message = JSON.parse(data.toString());
  } catch {
    return;
  }
  if (message && message.event === 'echo') this.send(JSON.stringify({ event: 'echo', data: message.data }));
}

function onClose() {
  counters.closed++;
}

function accept(request, socket, head, handshake) {
  wss.handleUpgrade(request, socket, head, ws => {
    counters.opened++;
    ws.handshake = handshake;
    ws.on('message', onMessage);
    ws.on('error', () => {});
    ws.once('close', onClose);
  });
}

function reject(request, socket, head, errors) {
  counters.rejected++;
  rejecter.handleUpgrade(request, socket, head, ws => {
    ws.on('error', () => ws.terminate());
    ws.close(1008, JSON.stringify(errors));
  });
}

function cookieValue(header, name) {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

function checkItemHandshake(request, rawItemId, search) {
  const errors = [];
  let itemId;
  try {
    itemId = decodeURIComponent(rawItemId);
  } catch {
    itemId = rawItemId;
  }
  if (!ITEM_ID.test(itemId)) errors.push({ type: 'matches', loc: ['path', 'itemId'], msg: 'itemId must match /^[a-z0-9-]+$/ regular expression', input: itemId });
  const qs = new URLSearchParams(search).getAll('q');
  const rawQ = qs[qs.length - 1];
  if (rawQ === undefined) errors.push({ type: 'missing', loc: ['query', 'q'], msg: 'Field required' });
  else if (!INT.test(rawQ)) errors.push({ type: 'isInt', loc: ['query', 'q'], msg: 'q must be an integer number', input: rawQ });
  const token = request.headers['x-token'];
  if (typeof token !== 'string') errors.push({ type: 'missing', loc: ['header', 'x-token'], msg: 'Field required' });
  const session = cookieValue(request.headers.cookie, 'session');
  if (session === undefined) errors.push({ type: 'missing', loc: ['cookie', 'session'], msg: 'Field required' });
  return { errors, handshake: { params: { itemId }, query: { q: Number(rawQ) }, headers: { 'x-token': token }, cookies: { session } } };
}

const server = createServer((req, res) => {
  res.writeHead(404).end();
});
server.on('upgrade', (request, socket, head) => {
  socket.on('error', () => socket.destroy());
  const url = request.url ?? '/';
  const queryAt = url.indexOf('?');
  const pathname = queryAt === -1 ? url : url.slice(0, queryAt);
  const search = queryAt === -1 ? '' : url.slice(queryAt);
  if (pathname === '/plain/ws') {
    accept(request, socket, head, undefined);
    return;
  }
  const item = ITEM_PATH.exec(pathname);
  if (!item) {
    socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    return;
  }
  const { errors, handshake } = checkItemHandshake(request, item[1], search);
  if (errors.length > 0) reject(request, socket, head, errors);
  else accept(request, socket, head, handshake);
});

server.listen(0, '127.0.0.1', async () => {
  const control = await startControl(() => ({ ...counters, open: wss.clients.size }));
  announce({ kind: 'raw', port: server.address().port, control, ws: wsVersion });
});
