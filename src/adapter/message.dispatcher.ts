import type { Logger } from '@nestjs/common';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { isObservable } from 'rxjs';
import type { RawData } from 'ws';
import { closeWebSocket } from '../close-frame/close-websocket.js';
import { WsStatus } from '../close-frame/ws-status.js';
import {
  INTERNAL_ERROR_REASON,
  INVALID_MESSAGE_REASON,
  UNKNOWN_EVENT_REASON,
  UNSUPPORTED_BINARY_REASON,
} from '../exceptions/messages.constant.js';
import { errorDetail } from '../utils/error-detail.util.js';
import { ReadyState } from '../ws-errors.constants.js';
import { isThenable } from '../utils/is-thenable.util.js';
import type { ClientSession } from './client-session.js';

type ParsedMessage = { event: string; data: unknown } | void;

export interface DispatchOptions {
  parse: (data: RawData) => ParsedMessage;
  /** Close on what the parser cannot read, instead of ignoring it as the stock adapter does. */
  closeOnInvalid: boolean;
  /** With the default JSON parser, a binary frame is unsupported data. */
  rejectBinary: boolean;
  /** Close on an event no handler subscribes to, instead of ignoring it as the stock adapter does. */
  closeOnUnknownEvent: boolean;
  logger: Logger;
}

/**
 * One client's messages for one gateway: parse, look the handler up, call it, send what it
 * returns. The handler table is built once per client; no rxjs pipeline runs per message,
 * and an Observable reply is subscribed to only while the socket is open. Handler errors
 * never get here: Nest's proxy hands them to the filters. What does get here (a filter that
 * failed itself, a reply JSON cannot write) is logged, and closes the client with 1011 on a
 * gateway that declares `@WsHandshake`.
 */
export function createMessageDispatcher(
  session: ClientSession,
  handlers: readonly MessageMappingProperties[],
  options: DispatchOptions,
  closeOnFailure: boolean,
): (data: RawData, isBinary: boolean) => void {
  const table = new Map<unknown, MessageMappingProperties>();
  for (const handler of handlers) table.set(handler.message, handler);
  const client = session.client;

  const fail = (error: unknown) => {
    options.logger.error('A message handler failed where no filter could take it', errorDetail(error));
    // As the stock adapter, a gateway without `@WsHandshake` logs it and keeps the socket.
    if (closeOnFailure) closeWebSocket(client, WsStatus.WS_1011_INTERNAL_ERROR, INTERNAL_ERROR_REASON);
  };
  const send = (value: unknown) => {
    if (value === undefined || value === null || client.readyState !== ReadyState.OPEN) return;
    let text: string;
    try {
      text = JSON.stringify(value);
    } catch (error) {
      // A reply JSON cannot write (a cycle, a BigInt, a throwing toJSON) is the handler's bug.
      fail(error);
      return;
    }
    client.send(text);
  };
  const reply = (result: unknown): void => {
    if (result === undefined || result === null) return;
    if (isObservable(result)) {
      session.track(result.subscribe({ next: send, error: fail }));
    } else if (isThenable(result)) {
      result.then(reply, fail);
    } else {
      send(result);
    }
  };

  return (data, isBinary) => {
    if (isBinary && options.rejectBinary) {
      closeWebSocket(client, WsStatus.WS_1003_UNSUPPORTED_DATA, UNSUPPORTED_BINARY_REASON);
      return;
    }
    let message: ParsedMessage;
    try {
      message = options.parse(data);
    } catch {
      if (options.closeOnInvalid) closeWebSocket(client, WsStatus.WS_1007_INVALID_FRAME_PAYLOAD_DATA, INVALID_MESSAGE_REASON);
      return;
    }
    if (!message) return;
    const handler = table.get(message.event);
    if (!handler) {
      if (options.closeOnUnknownEvent) closeWebSocket(client, WsStatus.WS_1003_UNSUPPORTED_DATA, UNKNOWN_EVENT_REASON);
      return;
    }
    let result: unknown;
    try {
      result = handler.callback(message.data, message.event);
    } catch (error) {
      fail(error);
      return;
    }
    reply(result);
  };
}


