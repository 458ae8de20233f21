import type { Type } from '@nestjs/common';
import type { WsHandshakeMetadata } from '../decorators/ws-handshake.decorator.js';
import type { EndpointContext, EndpointPhase } from './endpoint-context.interface.js';

/** A message handler of a gateway: its `@SubscribeMessage` pattern and method. */
export interface MessageHandlerRef {
  methodName: string;
  method: Function;
}

/**
 * What the library knows of one gateway, prepared once when it binds: its route pattern,
 * its handshake DTOs, its message handlers by pattern, and the endpoint contexts it names.
 */
export class GatewayDescriptor {
  readonly #contexts = new Map<string, EndpointContext>();

  constructor(
    readonly gateway: Type,
    readonly instance: Record<string, unknown>,
    readonly port: number,
    /** The normalised pattern, `/items/:itemId/ws`; `undefined` serves every path of its own port. */
    readonly path: string | undefined,
    readonly handshake: WsHandshakeMetadata | undefined,
    readonly handlers: ReadonlyMap<string, MessageHandlerRef>,
    readonly moduleKey: string | undefined,
  ) {}

  endpoint(phase: EndpointPhase, event?: string): EndpointContext {
    const key = event === undefined ? phase : `${phase}\u0000${event}`;
    let context = this.#contexts.get(key);
    if (!context) {
      context = this.createContext(phase, event);
      this.#contexts.set(key, context);
    }
    return context;
  }

  private createContext(phase: EndpointPhase, event: string | undefined): EndpointContext {
    const ref = event === undefined ? undefined : this.handlers.get(event);
    const hookName = phase === 'disconnect' ? 'handleDisconnect' : phase === 'message' ? undefined : 'handleConnection';
    const hook = hookName === undefined ? undefined : (this.gateway.prototype[hookName] as Function | undefined);
    // Never a method that does not exist: without one, the gateway class stands for it.
    const [methodName, handler] = ref
      ? [ref.methodName, ref.method]
      : typeof hook === 'function'
        ? [hookName, hook]
        : [undefined, this.gateway];
    const context: EndpointContext = {
      gateway: this.gateway,
      handler,
      function: methodName === undefined ? this.gateway.name : `${this.gateway.name}.${methodName}`,
      path: `WS ${this.path ?? '/*'}`,
      phase,
    };
    if (event !== undefined) context.event = event;
    if (this.handshake?.file) {
      context.file = this.handshake.file;
      if (this.handshake.line) context.line = this.handshake.line;
    }
    return Object.freeze(context);
  }
}
