import { join } from 'node:path';
import { Command, Option } from 'commander';
import { DEFAULT_TOKEN_LIFETIME, issueToken, keySourceFromEnv, resolveSigningKey, ROLES, Role } from '@ledger/access';
import { FUND_IDS } from '@ledger/domain';

/** `npm run token -- --role ROLE [--fund FUNDID]`: prints a bearer token for local use. */
export async function runTokenCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const program = new Command('token')
    .description('print a bearer token for the ledger API, signed with the configured key')
    .addOption(new Option('--role <role>', 'who the token speaks for').choices([...ROLES]).makeOptionMandatory())
    .addOption(new Option('--fund <fundId>', 'the fund of a district manager').choices([...FUND_IDS]))
    .option('--subject <subject>', 'the name recorded on every event it writes', process.env.USER ?? 'local-user')
    .option('--expires-in <duration>', 'lifetime, e.g. 8h, 30m, 7d', DEFAULT_TOKEN_LIFETIME)
    .exitOverride()
    .parse(argv, { from: 'user' });
  const options = program.opts<{ role: Role; fund?: string; subject: string; expiresIn: string }>();
  const dataDir = env.DATA_DIR ?? join(process.cwd(), 'data');
  const key = resolveSigningKey(keySourceFromEnv(dataDir, env));
  return issueToken(key, { subject: options.subject, role: options.role, fundId: options.fund, expiresIn: options.expiresIn });
}

if (require.main === module) {
  runTokenCli(process.argv.slice(2))
    .then((token) => process.stdout.write(`${token}\n`))
    .catch((error: Error & { code?: string }) => {
      if (!error.code?.startsWith('commander.')) process.stderr.write(`token: ${error.message}\n`);
      process.exit(2);
    });
}
