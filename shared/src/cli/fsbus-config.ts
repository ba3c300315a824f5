// fsbus-config: checks and shows a bus config, and hashes broker passwords and staff PINs.
import { parseArgs } from 'node:util';
import { text } from 'node:stream/consumers';
import { stringify } from 'yaml';
import { CONFIG_FILE_ENV, loadConfig } from '../config/load.js';
import { ConfigError } from '../config/errors.js';
import { hashPassword } from '../config/password.js';
import { EXIT } from '../process/service.js';
import { packageVersion } from '../version.js';

const HELP = `Usage: fsbus-config <command> [--config FILE]

Commands:
  check           validate the config; print one line per problem (exit 78) or "ok"
  show            print the config as every service sees it: defaults filled in,
                  FSBUS_* overrides applied, paths made absolute
  hash-password   read a password on stdin, print its scrypt hash for broker.users
  hash-pin        read a staff PIN (4-12 digits) on stdin, print its scrypt hash for
                  kiosk.staffPinHash

Options:
  -c, --config FILE   the bus config (default: $${CONFIG_FILE_ENV}, else defaults and env only)
  -h, --help          this help
  -v, --version       the version

Every key can be overridden by an environment variable: broker.tcpPort is
FSBUS_BROKER__TCP_PORT, busId is FSBUS_BUS_ID (values are YAML: [fr, en], true, 1883).
See config/bus.example.yaml for every key and its default.
`;

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    console.error(`fsbus-config: ${(error as Error).message}\n\n${HELP}`);
    return EXIT.usage;
  }
  if (args.values.help) {
    console.log(HELP);
    return EXIT.ok;
  }
  if (args.values.version) {
    console.log(packageVersion(import.meta.url));
    return EXIT.ok;
  }
  const [command, ...extra] = args.positionals;
  if (extra.length > 0) {
    console.error(`fsbus-config: unexpected argument ${extra[0] ?? ''}\n\n${HELP}`);
    return EXIT.usage;
  }
  switch (command) {
    case 'check':
    case 'show': {
      const file = args.values.config ?? process.env[CONFIG_FILE_ENV];
      try {
        const config = loadConfig({ file, env: process.env });
        console.log(
          command === 'check'
            ? `ok: ${file ?? 'defaults'} (bus ${config.busId})`
            : stringify(config),
        );
        return EXIT.ok;
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        console.error(error.message);
        return EXIT.config;
      }
    }
    case 'hash-password': {
      const password = (await text(process.stdin)).replace(/\r?\n$/, '');
      if (password.length < 12) {
        console.error('fsbus-config: a broker password needs at least 12 characters');
        return EXIT.usage;
      }
      console.log(await hashPassword(password));
      return EXIT.ok;
    }
    case 'hash-pin': {
      const pin = (await text(process.stdin)).replace(/\r?\n$/, '');
      // The kiosk's PIN pad has digits only; wrong tries lock it for 30 s after 5 (docs/kiosk.md).
      if (!/^\d{4,12}$/.test(pin)) {
        console.error('fsbus-config: a staff PIN is 4 to 12 digits');
        return EXIT.usage;
      }
      console.log(await hashPassword(pin));
      return EXIT.ok;
    }
    case undefined:
      console.error(HELP);
      return EXIT.usage;
    default:
      console.error(`fsbus-config: unknown command ${command}\n\n${HELP}`);
      return EXIT.usage;
  }
}

process.exitCode = await main(process.argv.slice(2));
