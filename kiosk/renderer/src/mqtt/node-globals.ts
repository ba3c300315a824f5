// The one Node global mqtt.js's modules read without importing it (process.nextTick, and
// process.versions to tell an Electron renderer from its main process). Imported before them.
import process from 'process';

const scope = globalThis as { process?: unknown };
scope.process ??= process;
