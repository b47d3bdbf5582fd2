// A Node.js host for examples/wasm_sign_in (the test command runs it against the bundled provider):
//
//   node host.mjs BUILD/wasm_sign_in.js --endpoint URL --app-id ID --resource URL [--auto-approve]
//
// It loads the module (emcc -sMODULARIZE: a factory), starts the device sign-in and calls
// logto_wasm_tick from a timer until the module reports done (exit 0) or failed (exit 1). HTTP is
// Node's global fetch (fetch_transport.js). A browser page does the same with a <script> tag and
// setInterval (README, "WebAssembly").
//
// --auto-approve is for the bundled TEST provider only (tests/interop/provider): when the module prints
// the user code, this host approves it with POST /test/device/approve, standing in for the user who
// enters the code on another device.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    endpoint: { type: 'string' },
    'app-id': { type: 'string' },
    resource: { type: 'string' },
    'auto-approve': { type: 'boolean', default: false },
  },
});
const modulePath = positionals[0] && resolve(positionals[0]);
if (!modulePath || !values.endpoint || !values['app-id'] || !values.resource) {
  console.error('usage: node host.mjs BUILD/wasm_sign_in.js --endpoint URL --app-id ID --resource URL [--auto-approve]');
  process.exit(2);
}
const endpoint = values.endpoint.replace(/\/+$/, '');

const approve = async (userCode) => {  // TEST PROVIDER ONLY
  const r = await fetch(`${endpoint}/test/device/approve`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ user_code: userCode }),
  });
  console.log(`[test provider] approval answered ${r.status}`);
};

const createLogtoModule = createRequire(import.meta.url)(modulePath);
const module = await createLogtoModule({
  // Emscripten 3.1.6 would fetch() the .wasm by path, which Node's fetch refuses: hand it the bytes.
  wasmBinary: readFileSync(modulePath.replace(/\.js$/, '.wasm')),
  print: (line) => {
    console.log(line);
    const code = / and enter (\S+)$/.exec(line);
    if (code && values['auto-approve']) approve(code[1]).catch((e) => console.error(`approval failed: ${e}`));
  },
  printErr: (line) => console.error(line),
});

if (module.ccall('logto_wasm_start', 'number', ['string', 'string', 'string'],
                 [endpoint, values['app-id'], values.resource]) !== 0) {
  process.exit(1);
}
const deadline = Date.now() + 120_000;
const timer = setInterval(() => {
  const state = module._logto_wasm_tick();
  if (state === 0 && Date.now() < deadline) return;
  clearInterval(timer);
  if (state === 0) console.error('wasm_sign_in: no answer within 120 s');
  process.exitCode = state === 1 ? 0 : 1;
}, 50);
