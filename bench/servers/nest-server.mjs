// `node bench/servers/nest-server.mjs ours|stock`: the compiled bench app and its control endpoint.
import { announce, startControl } from './control.mjs';

const mode = process.argv[2];
if (mode !== 'ours' && mode !== 'stock') throw new Error(`nest-server: mode must be ours or stock, not ${mode}`);
const { startNestApp, counters } = await import('../dist/nest-app.js');
const { port } = await startNestApp(mode);
const control = await startControl(() => ({ ...counters, open: counters.opened - counters.closed }));
announce({ kind: mode, port, control });
