/**
 * Texts of the items {@link WsValidationPipe} reports itself (class-validator writes the others).
 * @internal
 */
export const BODY_NOT_OBJECT_MESSAGE = (loc: readonly (string | number)[]) => `${loc.join('.')} must be an object`;
