// fsbus-central: runs central, and the staff's commands: accounts and day plans.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isBusId, type CentralConfig, type CentralRole } from '@fsbus/shared';
import {
  ConfigError,
  EXIT,
  createLogger,
  hashPassword,
  loadCentralConfig,
  packageVersion,
  runService,
} from '@fsbus/shared/node';
import {
  CredentialsError,
  clashingName,
  randomPassword,
  readCredentials,
  writeCredentials,
} from './credentials.js';
import { startCentral } from './main.js';
import { publishPlan, PlanPublishError } from './plan-publish.js';

const HELP = `Usage: fsbus-central [command] --config FILE [options]

Commands:
  serve (default)           run central: the fleet's broker and recorder
  add-bus BUS_ID            create a bus's account; prints its new password once
                            (--replace: a new password for an existing bus)
  revoke-bus BUS_ID         remove a bus's account; its connection is closed
  add-user NAME --role R    create a staff account (R: staff or planner); prints its
                            new password once (--replace: a new password)
  remove-user NAME          remove a staff or planner account
  accounts                  list the accounts: name, role, created
  plan publish BUS_ID FILE  validate a day plan (JSON) and publish it, retained, on the
                            bus's lane; needs a planner account (--user, --password-file)

Options:
  -c, --config FILE         the central config (see config/central.example.yaml)
      --replace             add-bus, add-user: replace the password of an existing account
      --role ROLE           add-user: staff or planner
      --user NAME           plan publish: the planner account
      --password-file FILE  plan publish: file holding its password
      --url URL             plan publish: central's address (default: from the config,
                            mqtts://HOST:mqtt.tlsPort, else mqtt://HOST:mqtt.tcpPort)
      --ca FILE             plan publish: PEM of the CA that signed central's certificate
  -h, --help                this help
  -v, --version             the version

The accounts live in the config's credentialsFile; a running central sees changes
within seconds. Exit codes: 0 ok, 64 usage, 65 bad input (an account that exists or does
not, a bus with no account, an invalid plan, a plan central did not take), 69 central
unreachable, 78 bad config.
`;

const EXIT_DATA_ERROR = 65;

interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

class UsageError extends Error {}

/** Runs one command line; resolves to the exit code (serve resolves when central stops). */
export async function runCentralCommand(argv: readonly string[], io: Io): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        replace: { type: 'boolean' },
        role: { type: 'string' },
        user: { type: 'string' },
        'password-file': { type: 'string' },
        url: { type: 'string' },
        ca: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    io.err(`fsbus-central: ${(error as Error).message}\n\n${HELP}`);
    return EXIT.usage;
  }
  const { values, positionals } = args;
  if (values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  if (values.version) {
    io.out(`${packageVersion(import.meta.url)}\n`);
    return EXIT.ok;
  }
  const [command = 'serve', ...rest] = positionals;
  try {
    if (values.config === undefined) throw new UsageError('--config FILE is required');
    const config = loadCentralConfig({ file: values.config });
    switch (command) {
      case 'serve':
        expectArgs(rest, 0);
        await serve(config);
        return EXIT.ok;
      case 'add-bus': {
        const [busId = ''] = expectArgs(rest, 1);
        if (!isBusId(busId)) throw new UsageError(`${JSON.stringify(busId)} is not a bus id`);
        io.out(`${await addAccount(config, busId, 'bus', values.replace === true)}\n`);
        return EXIT.ok;
      }
      case 'add-user': {
        const [name = ''] = expectArgs(rest, 1);
        const role = values.role;
        if (role !== 'staff' && role !== 'planner') {
          throw new UsageError('--role staff or --role planner');
        }
        if (!isBusId(name)) throw new UsageError(`${JSON.stringify(name)} is not a user name`);
        io.out(`${await addAccount(config, name, role, values.replace === true)}\n`);
        return EXIT.ok;
      }
      case 'revoke-bus':
      case 'remove-user': {
        const [name = ''] = expectArgs(rest, 1);
        removeAccount(config, name, command === 'revoke-bus' ? ['bus'] : ['staff', 'planner']);
        io.err(`${name}: removed\n`);
        return EXIT.ok;
      }
      case 'accounts':
        expectArgs(rest, 0);
        for (const account of readCredentials(config.credentialsFile).accounts) {
          io.out(`${account.username}\t${account.role}\t${account.createdAt}\n`);
        }
        return EXIT.ok;
      case 'plan': {
        const [action, busId = '', file = ''] = expectArgs(rest, 3);
        if (action !== 'publish') throw new UsageError(`unknown plan command ${action ?? ''}`);
        if (values.user === undefined || values['password-file'] === undefined) {
          throw new UsageError('plan publish needs --user and --password-file');
        }
        const bus = readCredentials(config.credentialsFile).accounts.find(
          (account) => account.username === busId,
        );
        if (bus?.role !== 'bus') throw new AccountError(`no bus account ${JSON.stringify(busId)}`);
        const planId = await publishPlan({
          config,
          busId,
          planFile: file,
          username: values.user,
          password: readFileSync(values['password-file'], 'utf8').trim(),
          url: values.url,
          caFile: values.ca,
        });
        io.err(`plan ${planId} published for ${busId}\n`);
        return EXIT.ok;
      }
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`fsbus-central: ${error.message}\n\n${HELP}`);
      return EXIT.usage;
    }
    if (error instanceof ConfigError) {
      io.err(`${error.message}\n`);
      return EXIT.config;
    }
    if (error instanceof CredentialsError || error instanceof AccountError) {
      io.err(`fsbus-central: ${error.message}\n`);
      return error instanceof CredentialsError ? EXIT.config : EXIT_DATA_ERROR;
    }
    if (error instanceof PlanPublishError) {
      io.err(`fsbus-central: ${error.message}\n`);
      return error.code === 'unreachable' ? EXIT.unavailable : EXIT_DATA_ERROR;
    }
    throw error;
  }
}

function expectArgs(rest: readonly string[], count: number): readonly string[] {
  if (rest.length !== count) {
    throw new UsageError(
      rest.length > count ? `unexpected argument ${rest[count] ?? ''}` : 'missing argument',
    );
  }
  return rest;
}

class AccountError extends Error {}

/** Adds (or, with replace, renews) an account; returns its new password. */
async function addAccount(
  config: CentralConfig,
  username: string,
  role: CentralRole,
  replace: boolean,
): Promise<string> {
  const credentials = readCredentials(config.credentialsFile);
  const existing = credentials.accounts.find((account) => account.username === username);
  if (existing && !replace) {
    throw new AccountError(
      `${username} exists (${existing.role}); --replace gives it a new password`,
    );
  }
  if (existing && existing.role !== role) {
    throw new AccountError(`${username} is a ${existing.role} account, not ${role}`);
  }
  const clash = clashingName([username, ...credentials.accounts.map((a) => a.username)]);
  if (clash) {
    throw new AccountError(
      `${clash[0]} and ${clash[1]}: no user name may start with another and "-" (it could take the other's connections)`,
    );
  }
  const password = randomPassword();
  const entry = {
    username,
    role,
    passwordHash: await hashPassword(password),
    createdAt: new Date().toISOString(),
  };
  writeCredentials(config.credentialsFile, {
    ...credentials,
    accounts: [...credentials.accounts.filter((account) => account.username !== username), entry],
  });
  return password;
}

function removeAccount(
  config: CentralConfig,
  username: string,
  roles: readonly CentralRole[],
): void {
  const credentials = readCredentials(config.credentialsFile);
  const existing = credentials.accounts.find((account) => account.username === username);
  if (!existing || !roles.includes(existing.role)) {
    throw new AccountError(`no ${roles.join(' or ')} account ${JSON.stringify(username)}`);
  }
  writeCredentials(config.credentialsFile, {
    ...credentials,
    accounts: credentials.accounts.filter((account) => account.username !== username),
  });
}

async function serve(config: CentralConfig): Promise<void> {
  const version = packageVersion(import.meta.url);
  const logger = createLogger({ service: 'central', level: config.log.level, version });
  await runService({ logger, start: () => startCentral({ config, logger, version }) });
}
