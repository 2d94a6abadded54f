import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GraphQLClient, GraphQLRequestError, type Operation } from '@maillage/client';
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
  private readonly client: GraphQLClient;

  constructor(
    readonly url: string,
    token: string,
  ) {
    // A bulk import of 500 rows is one call: give it the time the gateway may take.
    this.client = new GraphQLClient({ url, headers: () => ({ authorization: `Bearer ${token}` }), timeoutMs: 120_000 });
  }

  /** Runs one of the CLI's operations: a typed document (./graphql), or the text of one read by `operation`. */
  async request<D, V>(op: Operation<D, V>, variables: V, operationName?: string): Promise<D> {
    try {
      return await this.client.request(op, variables, { operationName });
    } catch (err) {
      if (!(err instanceof GraphQLRequestError)) throw err;
      if (err.failure === 'UNREACHABLE' || err.failure === 'TIMEOUT')
        throw new CliError(`cannot reach the gateway at ${this.url}: ${err.message}`, 'UNREACHABLE');
      if (err.failure === 'NOT_GRAPHQL') throw new CliError(`the gateway answered HTTP ${err.status} without a GraphQL body`, err.code);
      if (err.failure === 'NO_DATA') throw new CliError(`the gateway answered HTTP ${err.status} without data`, err.code);
      const first = err.errors[0];
      throw new CliError(`${first.extensions?.code ?? 'ERROR'}: ${first.message}`, first.extensions?.code);
    }
  }
}

/** An idempotency key for creating the actor of a SIREN from these fields: a rerun reuses it. */
export const actorKey = (siren: string, input: object) =>
  `import:siren:${siren}:${createHash('sha256').update(JSON.stringify(input)).digest('hex').slice(0, 24)}`;
