// `node bench/servers/nest-server.mjs ours|stock [--heartbeat=off|<interval ms>]`: the compiled bench
// app and its control endpoint. `--heartbeat` sets ours' heartbeat (off, or that interval and timeout).
import { announce, startControl } from './control.mjs';

const mode = process.argv[2];
if (mode !== 'ours' && mode !== 'stock') throw new Error(`nest-server: mode must be ours or stock, not ${mode}`);
const { startNestApp, counters } = await import('../dist/nest-app.js');
const heartbeatArg = process.argv.find(arg => arg.startsWith('--heartbeat='))?.slice('--heartbeat='.length);
const heartbeat = heartbeatArg === undefined ? undefined : heartbeatArg === 'off' ? false : { interval: Number(heartbeatArg), timeout: Number(heartbeatArg) };
const { port } = await startNestApp(mode, heartbeat === undefined ? undefined : { heartbeat });
const control = await startControl(() => ({ ...counters, open: counters.opened - counters.closed }));
announce({ kind: mode, port, control });
