/**
 * The `@SubscribeMessage` pattern of the message a host was built for. Nest's handler proxy
 * appends the pattern as the last argument of the handler call (packages/websockets/context/
 * ws-proxy.ts: `args = [...args, targetPattern ?? 'unknown']`), after the client and the data.
 */
export function messagePatternOf(args: readonly unknown[]): string | undefined {
  const pattern = args.length > 2 ? args[args.length - 1] : undefined;
  return typeof pattern === 'string' ? pattern : undefined;
}
