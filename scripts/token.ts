import { Command, Option } from 'commander';
import { DEFAULT_TOKEN_LIFETIME, describeKeySource, issueToken, keyId, keySourceFromEnv, resolveDataDir, resolveSigningKey, ROLES, Role } from '@ledger/access';
import { FUND_IDS } from '@ledger/domain/funds';

const EXAMPLES = `
The token is signed with the key the server uses with the same settings: LEDGER_JWT_SECRET, else
the file named by LEDGER_JWT_SECRET_FILE, else DATA_DIR/.jwt-secret (created on first use), with
DATA_DIR (default: data) resolved against the repository root. Its kid header names the key; a
server holding another key answers 401 naming both.

Examples:
  npm run token -- --role clerk
  npm run token -- --role district-manager --fund huangpi
  npm run token -- --role auditor --expires-in 30m
  DATA_DIR=/srv/ledger npm run token -- --role finance-bureau    # for a server started with that DATA_DIR
  CLERK=$(npm run -s token -- --role clerk)                       # into a shell variable

Exit codes: 0 the token was printed; 2 it could not be made (bad option, unreadable key).`;

interface TokenOptions {
  role: Role;
  fund?: string;
  subject: string;
  expiresIn: string;
  dataDir?: string;
}

/** `npm run token -- --role ROLE [--fund FUNDID]`: prints a bearer token for local use. */
export async function runTokenCli(argv: string[], env: NodeJS.ProcessEnv = process.env, log: (line: string) => void = () => undefined): Promise<string> {
  const program = new Command('token')
    .description('print a bearer token for the ledger API, signed with the configured key')
    .addOption(new Option('--role <role>', 'who the token speaks for').choices([...ROLES]).makeOptionMandatory())
    .addOption(new Option('--fund <fundId>', 'the fund of a district manager').choices([...FUND_IDS]))
    .option('--subject <subject>', 'the name recorded on every event it writes', process.env.USER ?? 'local-user')
    .option('--expires-in <duration>', 'lifetime, e.g. 8h, 30m, 7d', DEFAULT_TOKEN_LIFETIME)
    .option('--data-dir <dir>', 'the server\'s DATA_DIR, whose .jwt-secret signs the token (default: $DATA_DIR, else data)')
    .addHelpText('after', EXAMPLES)
    .exitOverride()
    .parse(argv, { from: 'user' });
  const options = program.opts<TokenOptions>();
  const dataDir = resolveDataDir(options.dataDir ? { DATA_DIR: options.dataDir } : env);
  const source = keySourceFromEnv(dataDir, env);
  const key = resolveSigningKey(source);
  log(`token: signed with key ${keyId(key)} from ${describeKeySource(source)}`);
  return issueToken(key, { subject: options.subject, role: options.role, fundId: options.fund, expiresIn: options.expiresIn });
}

if (require.main === module) {
  // The key note goes to a terminal only: `$(npm run -s token …)` captures the token alone either way.
  const log = process.stderr.isTTY ? (line: string) => process.stderr.write(`${line}\n`) : undefined;
  runTokenCli(process.argv.slice(2), process.env, log)
    .then((token) => process.stdout.write(`${token}\n`))
    .catch((error: Error & { code?: string }) => {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') process.exit(0);
      if (!error.code?.startsWith('commander.')) process.stderr.write(`token: ${error.message}\n`);
      process.exit(2);
    });
}
