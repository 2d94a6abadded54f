import { parseArgs } from 'node:util';
import { CliError } from './gateway';
import { importMembers } from './import';

export const USAGE = `usage: maillage import members FILE.csv --network ID [options]

Imports a network's members from a spreadsheet (CSV, comma or semicolon separated, UTF-8), through
the gateway, as the editor whose token is given. Columns (header line, French or English names):
  siren (required, checked), name (to create an actor missing from the directory), commune (INSEE
  code, checked against the 2026 map), category, role, start_date, end_date (YYYY-MM-DD or
  DD/MM/YYYY), naf, website.
Every row is checked and errors are reported by line; the valid rows are imported. Running it again
creates nothing twice (a membership is the same when actor, category and start date are).

options:
  --network ID        the network (ch-…, cl-…, co-…, cb-…)
  --token TOKEN       an editor's bearer token for that network (default: $MAILLAGE_TOKEN)
  --url URL           the gateway's GraphQL endpoint (default: $MAILLAGE_URL or http://127.0.0.1:4000/graphql)
  --category NAME     category for rows that give none (e.g. MEMBER)
  --all-or-nothing    import nothing unless every row is valid and accepted
  --dry-run           check everything, import nothing
  --progress / --no-progress   force the progress bar on or off (default: on a terminal, from 200 rows)`;

/** Runs the CLI; returns the exit code: 0 done, 1 rows not imported, 2 bad usage or failure. */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  out = (l: string) => process.stdout.write(`${l}\n`),
  err = (l: string) => process.stderr.write(`${l}\n`),
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    err(`maillage: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const [command, what, file, ...extra] = positionals;
  if (command !== 'import' || what !== 'members' || !file || extra.length) {
    err(USAGE);
    return 2;
  }
  if (!values.network) {
    err('maillage: give --network ID');
    return 2;
  }
  const token = values.token ?? env.MAILLAGE_TOKEN;
  if (!token) {
    err(
      'maillage: give --token TOKEN or set MAILLAGE_TOKEN: an editor bearer token for the network (npm run dev-token -- editor --networks ID in development)',
    );
    return 2;
  }
  try {
    const summary = await importMembers({
      file,
      network: values.network,
      url: values.url ?? env.MAILLAGE_URL ?? 'http://127.0.0.1:4000/graphql',
      token,
      allOrNothing: !!values['all-or-nothing'],
      dryRun: !!values['dry-run'],
      defaultCategory: values.category,
      progress: values['no-progress'] ? false : values.progress ? true : 'auto',
      out,
    });
    return summary.invalid || summary.refused ? 1 : 0;
  } catch (e) {
    err(`maillage: ${e instanceof CliError ? e.message : `unexpected failure: ${(e as Error).message}`}`);
    return 2;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      network: { type: 'string' },
      token: { type: 'string' },
      url: { type: 'string' },
      category: { type: 'string' },
      'all-or-nothing': { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      progress: { type: 'boolean' },
      'no-progress': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
