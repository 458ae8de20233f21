import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { getHandshake } from '../handshake/client-handshake.js';
import type { HandshakeData } from '../handshake/handshake-data.interface.js';

const handshakeSource = (source: keyof HandshakeData) =>
  createParamDecorator((property: string | undefined, ctx: ExecutionContext) => {
    const values = getHandshake(ctx.switchToWs().getClient())?.[source] as Record<string, unknown> | undefined;
    return property === undefined ? values : values?.[property];
  });

/** The validated path-parameter DTO of the client's handshake (or one property of it). @publicApi */
export const HandshakeParams = handshakeSource('params');
/** The validated query DTO of the client's handshake. @publicApi */
export const HandshakeQuery = handshakeSource('query');
/** The validated header DTO of the client's handshake. @publicApi */
export const HandshakeHeaders = handshakeSource('headers');
/** The validated cookie DTO of the client's handshake. @publicApi */
export const HandshakeCookies = handshakeSource('cookies');
