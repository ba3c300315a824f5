// The command line every fsbus service shares: --config, --help, --version; a bad config exits 78.
import { parseArgs } from 'node:util';
import { CONFIG_FILE_ENV, loadConfig } from '../config/load.js';
import { ConfigError } from '../config/errors.js';
import type { Config } from '../config/schema.js';
import { packageVersion } from '../version.js';
import { EXIT } from './service.js';

export interface ServiceCommand {
  /** Command name, e.g. `fsbus-broker`. */
  readonly name: string;
  /** One paragraph for --help. */
  readonly summary: string;
  /** import.meta.url of the CLI module, to find its package version. */
  readonly moduleUrl: string;
}

export interface ServiceStartup {
  readonly config: Config;
  readonly version: string;
}

export interface StartupIo {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** The outcome of parsing the command line: go on with a config, or exit with a code. */
export type StartupOutcome = { readonly run: ServiceStartup } | { readonly exit: number };

function help(command: ServiceCommand): string {
  return `Usage: ${command.name} [--config FILE]

${command.summary}

Options:
  -c, --config FILE   the bus config (default: $${CONFIG_FILE_ENV}); see config/bus.example.yaml
  -h, --help          this help
  -v, --version       the version

FSBUS_* environment variables override single config keys (see README).
Exit codes: 0 stopped cleanly, 1 forced stop, 64 usage, 69 cannot start, 78 bad config.
`;
}

/** Parses the command line and loads the config; says how to exit instead when it cannot. */
export function parseServiceCommand(command: ServiceCommand, io: StartupIo): StartupOutcome {
  let args;
  try {
    args = parseArgs({
      args: [...io.argv],
      options: {
        config: { type: 'string', short: 'c' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    io.err(`${command.name}: ${(error as Error).message}\n\n${help(command)}`);
    return { exit: EXIT.usage };
  }
  const version = packageVersion(command.moduleUrl);
  if (args.values.help) {
    io.out(help(command));
    return { exit: EXIT.ok };
  }
  if (args.values.version) {
    io.out(`${version}\n`);
    return { exit: EXIT.ok };
  }
  try {
    const config = loadConfig({ file: args.values.config ?? io.env[CONFIG_FILE_ENV], env: io.env });
    return { run: { config, version } };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`${error.message}\n`);
    return { exit: EXIT.config };
  }
}

/** parseServiceCommand on this process; exits when there is nothing to run. */
export function serviceStartup(command: ServiceCommand): ServiceStartup {
  const outcome = parseServiceCommand(command, {
    argv: process.argv.slice(2),
    env: process.env,
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
  if ('exit' in outcome) process.exit(outcome.exit);
  return outcome.run;
}
