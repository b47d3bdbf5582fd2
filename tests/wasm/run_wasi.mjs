// Runs a wasm32-wasi program under Node's WASI (node:wasi, preview1), as CMake's
// CMAKE_CROSSCOMPILING_EMULATOR for tools/ci/wasm.sh:  node run_wasi.mjs PROGRAM.wasm [ARGS...]
// The program sees only tests/ (preopened at its own absolute path: the unit suite reads
// LOGTO_TEST_DATA_DIR and tests/interop/smtp), no environment, and the host's stdio.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { WASI } from 'node:wasi';

const [program, ...args] = process.argv.slice(2);
if (!program) {
  console.error('usage: node run_wasi.mjs PROGRAM.wasm [ARGS...]');
  process.exit(2);
}
const tests = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const wasi = new WASI({ version: 'preview1', args: [program, ...args], env: {}, preopens: { [tests]: tests },
                        returnOnExit: true });
const module = await WebAssembly.compile(await readFile(program));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
