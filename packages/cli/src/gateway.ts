import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'graphql';

/** A refusal or failure the CLI reports as is, with the gateway's stable code when it gave one. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

const DOCUMENTS = path.resolve(__dirname, '../src/operations');
const documents = new Map<string, string>();
/** The text of one of the CLI's operations (src/operations/<Name>.graphql), checked by codegen against the schema. */
export function operation(name: string): string {
  let text = documents.get(name);
  if (!text) {
    text = readFileSync(path.join(DOCUMENTS, `${name}.graphql`), 'utf8');
    parse(text);
    documents.set(name, text);
  }
  return text;
}

/** Talks to the gateway as the editor whose token it holds: never around it. */
export class Gateway {
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  async request<D>(name: string, variables: Record<string, unknown>): Promise<D> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: `Bearer ${this.token}` },
        body: JSON.stringify({ query: operation(name), variables, operationName: name }),
        signal: AbortSignal.timeout(120_000),
      });
    } catch (err) {
      throw new CliError(`cannot reach the gateway at ${this.url}: ${(err as Error).message}`, 'UNREACHABLE');
    }
    let body: { data?: D | null; errors?: { message: string; extensions?: { code?: string; field?: string } }[] };
    try {
      body = (await res.json()) as typeof body;
    } catch {
      throw new CliError(`the gateway answered HTTP ${res.status} without a GraphQL body`, `HTTP_${res.status}`);
    }
    const first = body.errors?.[0];
    if (first) throw new CliError(`${first.extensions?.code ?? 'ERROR'}: ${first.message}`, first.extensions?.code);
    if (!body.data) throw new CliError(`the gateway answered HTTP ${res.status} without data`, `HTTP_${res.status}`);
    return body.data;
  }
}

/** An idempotency key for creating the actor of a SIREN from these fields: a rerun reuses it. */
export const actorKey = (siren: string, input: object) => `import:siren:${siren}:${createHash('sha256').update(JSON.stringify(input)).digest('hex').slice(0, 24)}`;
