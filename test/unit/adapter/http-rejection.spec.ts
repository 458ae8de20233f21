import fc from 'fast-check';
import { once } from 'node:events';
import { STATUS_CODES } from 'node:http';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MAX_REFUSAL_BODY_BYTES,
  httpStatusForCloseCode,
  refusalBody,
  refuseUpgrade,
} from '../../../src/adapter/http-rejection.js';
import type { CloseReasonField } from '../../../src/close-frame/close-reason.encoder.js';
import { isSendableCloseCode } from '../../../src/close-frame/close-code.validation.js';
import { WsStatus } from '../../../src/close-frame/ws-status.js';
import type { WsValidationErrorItem } from '../../../src/interfaces/ws-validation-error-item.interface.js';

/** Every code a close frame may carry (RFC 6455 §7.4), the input domain of the mapping. */
const sendableCode = fc.oneof(
  fc.integer({ min: 1000, max: 1003 }),
  fc.integer({ min: 1007, max: 1014 }),
  fc.integer({ min: 3000, max: 4999 }),
);

describe('httpStatusForCloseCode', () => {
  it('maps every sendable code, validation or not, to an HTTP error status', () => {
    fc.assert(
      fc.property(sendableCode, fc.boolean(), (code, validation) => {
        expect(isSendableCloseCode(code)).toBe(true);
        const status = httpStatusForCloseCode(code, validation);
        expect(Number.isInteger(status)).toBe(true);
        expect(status).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThanOrEqual(599);
      }),
      { seed: 0x4400, numRuns: 1_000 },
    );
  });

  it('answers 400 for a validation failure, whatever the code', () => {
    fc.assert(
      fc.property(sendableCode, code => {
        expect(httpStatusForCloseCode(code, true)).toBe(400);
      }),
      { seed: 0x4401, numRuns: 300 },
    );
  });

  it('maps every 4400–4599 close code to code − 4000, whether or not Node names the status (API.md)', () => {
    for (let code = 4400; code <= 4599; code++) expect(httpStatusForCloseCode(code, false)).toBe(code - 4000);
  });

  it.each([
    [4400, 400],
    [4401, 401],
    [4403, 403],
    [4429, 429],
    [4499, 499],
    [4503, 503],
    [4599, 599],
  ])('maps %i, a 4000 + status close code, to HTTP %i', (code, status) => {
    expect(httpStatusForCloseCode(code, false)).toBe(status);
  });

  it('fails over to 403 for other private and registered codes', () => {
    for (const code of [4000, 4001, 4399, 4600, 4999, 3000, 3999]) {
      expect(httpStatusForCloseCode(code, false)).toBe(403);
    }
  });

  it.each([
    [WsStatus.WS_1000_NORMAL_CLOSURE, 403],
    [WsStatus.WS_1001_GOING_AWAY, 403],
    [WsStatus.WS_1002_PROTOCOL_ERROR, 400],
    [WsStatus.WS_1003_UNSUPPORTED_DATA, 400],
    [WsStatus.WS_1007_INVALID_FRAME_PAYLOAD_DATA, 400],
    [WsStatus.WS_1008_POLICY_VIOLATION, 403],
    [WsStatus.WS_1009_MESSAGE_TOO_BIG, 413],
    [WsStatus.WS_1010_MANDATORY_EXT, 400],
    [WsStatus.WS_1011_INTERNAL_ERROR, 500],
    [WsStatus.WS_1012_SERVICE_RESTART, 503],
    [WsStatus.WS_1013_TRY_AGAIN_LATER, 503],
    [WsStatus.WS_1014_BAD_GATEWAY, 502],
  ])('maps close code %i to HTTP %i', (code, status) => {
    expect(httpStatusForCloseCode(code, false)).toBe(status);
  });
});

// ------------------------------------------------------------------ refusalBody

const item = (i: number, extra = ''): WsValidationErrorItem => ({
  type: 'isInt',
  loc: ['query', `q${i}`],
  msg: `q${i} must be an integer number${extra}`,
  input: `abc${i}`,
});

const errorItem: fc.Arbitrary<WsValidationErrorItem> = fc.record(
  {
    type: fc.string({ maxLength: 20 }),
    loc: fc.array(fc.oneof(fc.string({ maxLength: 30 }), fc.nat()), { maxLength: 4 }),
    msg: fc.string({ unit: 'grapheme', maxLength: 300 }),
    input: fc.jsonValue({ maxDepth: 2 }),
    ctx: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  },
  { requiredKeys: ['type', 'loc', 'msg'] },
);

describe('refusalBody', () => {
  it('is { code, reason } without errors', () => {
    expect(refusalBody({ code: 1008, reason: 'Forbidden' }, undefined, undefined)).toEqual({ code: 1008, reason: 'Forbidden' });
  });

  it('keeps every error while they fit', () => {
    const errors = [item(1), item(2)];
    expect(refusalBody({ code: 1008, reason: '[…]' }, errors, undefined)).toEqual({ code: 1008, reason: '[…]', errors });
  });

  it('keeps only the fields reason.fields names', () => {
    const body = refusalBody({ code: 1008, reason: 'r' }, [item(1)], { fields: ['loc', 'msg'] });
    expect(body.errors).toEqual([{ loc: ['query', 'q1'], msg: 'q1 must be an integer number' }]);
  });

  it('stays within MAX_REFUSAL_BODY_BYTES, keeps a prefix of the errors and counts the rest', () => {
    fc.assert(
      fc.property(
        fc.array(errorItem, { maxLength: 120 }),
        fc.string({ unit: 'grapheme', maxLength: 123 }),
        fc.option(fc.subarray<CloseReasonField>(['type', 'loc', 'msg', 'input', 'ctx']), { nil: undefined }),
        (errors, reason, fields) => {
          const body = refusalBody({ code: 1008, reason }, errors, fields ? { fields } : undefined);
          expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThanOrEqual(MAX_REFUSAL_BODY_BYTES);
          const kept = body.errors as unknown[];
          expect(kept.length + ((body.errorsOmitted as number | undefined) ?? 0)).toBe(errors.length);
          if (body.errorsOmitted !== undefined) expect(body.errorsOmitted).toBeGreaterThan(0);
          const shown = fields
            ? errors.map(error => Object.fromEntries(fields.filter(field => field in error).map(field => [field, error[field as keyof WsValidationErrorItem]])))
            : errors;
          expect(kept).toEqual(shown.slice(0, kept.length));
        },
      ),
      { seed: 0x4402, numRuns: 200 },
    );
  });

  it('omits errors once a large list would pass the limit', () => {
    const errors = Array.from({ length: 500 }, (_, i) => item(i, ' '.repeat(50)));
    const body = refusalBody({ code: 1008, reason: 'r' }, errors, undefined);
    expect((body.errors as unknown[]).length).toBeGreaterThan(0);
    expect(body.errorsOmitted).toBe(500 - (body.errors as unknown[]).length);
    expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThanOrEqual(MAX_REFUSAL_BODY_BYTES);
  });
});

// ------------------------------------------------------------------ refuseUpgrade

describe('refuseUpgrade', () => {
  let server: Server;
  let port: number;
  /** The server's end of the next connection. */
  let accepted: Promise<Socket>;

  beforeEach(async () => {
    server = createServer();
    accepted = once(server, 'connection').then(([socket]) => socket as Socket);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterEach(async () => {
    server.close();
    await once(server, 'close');
  });

  /** Connects, lets `act` answer on the server side, and returns all the client read before the end. */
  async function exchange(act: (socket: Socket) => void): Promise<{ text: string; serverSocket: Socket }> {
    const client = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    client.on('data', chunk => chunks.push(chunk));
    const ended = once(client, 'close');
    const serverSocket = await accepted;
    act(serverSocket);
    await ended;
    return { text: Buffer.concat(chunks).toString('utf8'), serverSocket };
  }

  it('writes the status line, JSON headers and body, then closes the connection', async () => {
    const body = { code: 4404, reason: 'Nö such room' };
    const { text, serverSocket } = await exchange(socket => refuseUpgrade(socket, 404, body));
    const [head, payload] = text.split('\r\n\r\n');
    const payloadText = JSON.stringify(body);
    expect(head!.split('\r\n')).toEqual([
      'HTTP/1.1 404 Not Found',
      'Connection: close',
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(payloadText)}`,
    ]);
    expect(JSON.parse(payload!)).toEqual(body);
    expect(serverSocket.destroyed).toBe(true);
  });

  it('fails if the socket can no longer be written: it is destroyed, nothing is sent', async () => {
    const { text, serverSocket } = await exchange(socket => {
      socket.end();
      refuseUpgrade(socket, 403, { code: 1008, reason: 'Forbidden' });
    });
    expect(text).toBe('');
    expect(serverSocket.destroyed).toBe(true);
  });
});
