import { runAuditCli } from './cli';

/** Entry point of the auditor app: the command line is all there is (see cli.ts). */
void runAuditCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
