/**
 * Whether `code` may be put in a close frame (RFC 6455 §7.4): 1000–1003 and
 * 1007–1014 (defined by the RFC and IANA), 3000–3999 (registered) and
 * 4000–4999 (private use). 1004 is reserved; 1005, 1006 and 1015 only ever
 * describe a close locally. Same rule as `isValidStatusCode` in ws' lib/validation.js.
 *
 * @publicApi
 */
export function isSendableCloseCode(code: unknown): code is number {
  return (
    typeof code === 'number' &&
    Number.isInteger(code) &&
    ((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999))
  );
}

/**
 * Throws a `RangeError` naming `code` unless it may be sent in a close frame.
 * Failing loudly where the code is chosen beats ws failing later, mid-close.
 *
 * @throws RangeError
 * @publicApi
 */
export function assertSendableCloseCode(code: unknown): asserts code is number {
  if (!isSendableCloseCode(code)) {
    throw new RangeError(
      `Close code ${describe(code)} may not be sent in a close frame (allowed: 1000-1003, 1007-1014, 3000-4999)`,
    );
  }
}

function describe(code: unknown): string {
  // String() throws for symbols and for objects whose toString throws; the error must still be a RangeError.
  try {
    return typeof code === 'string' ? JSON.stringify(code) : String(code);
  } catch {
    return `<${typeof code}>`;
  }
}
