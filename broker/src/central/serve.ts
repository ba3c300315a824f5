// fsbus-central's entry point: the command line on this process.
import { runCentralCommand } from './cli.js';

const code = await runCentralCommand(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
process.exitCode = code;
