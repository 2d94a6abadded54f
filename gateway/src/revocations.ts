import type { ApolloServerPlugin } from '@apollo/server';
import {
  getArgumentValues,
  Kind,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { Counter, Gauge, type Registry } from 'prom-client';
import { RedisLink, type RedisLogger } from './redis';

export interface RevocationListener {
  /** A partner key id was revoked: forget what was remembered of it. */
  revoked(id: string): void;
  /** Revocations may have been missed (the channel was down): forget everything. */
  missed(): void;
}

export interface RevocationOptions {
  /** Redis on which every gateway process and replica hears the others' revocations. @default none: this process only */
  redisUrl?: string;
  /** Prefix of the channel's name. @default maillage */
  keyPrefix?: string;
  registry?: Registry;
  logger?: RedisLogger;
}

/**
 * Partner-key revocations, told at once to every gateway process. A revocation passes through a
 * gateway's door (the directory's `revokePartnerKey`, which admins call through the gateway), and
 * that gateway announces the key id here: to this process's listeners at once, and on a Redis
 * channel to every gateway on the same Redis, which forget the key's verdict as soon as they hear
 * it. A subscriber that lost its connection may have missed some, so each (re)connection forgets
 * every verdict. Without Redis this process alone hears its revocations.
 *
 * The gateway announces rather than the directory, so subgraphs need no Redis; the price is that a
 * revocation made through another door (Hive Gateway, Apollo Router, the database) is not
 * announced, and waits for the verdicts' expiry (PARTNER_KEY_CACHE_MS) as before.
 */
export class PartnerKeyRevocations {
  private readonly listeners: RevocationListener[] = [];
  private readonly publisher?: RedisLink;
  private readonly subscriber?: RedisLink;
  private readonly channel: string;
  private readonly heard?: Counter<'source'>;

  constructor(opts: RevocationOptions = {}) {
    this.channel = `${opts.keyPrefix ?? 'maillage'}:partner-keys:revoked`;
    const registers = opts.registry ? [opts.registry] : [];
    this.heard = opts.registry
      ? new Counter({
          name: 'maillage_gateway_partner_key_revocations_total',
          help: 'Partner-key revocations acted on, by source (local: passed through this process; redis: heard on the channel, its own announcements included).',
          labelNames: ['source'],
          registers,
        })
      : undefined;
    if (!opts.redisUrl) return;
    const up = opts.registry
      ? new Gauge({
          name: 'maillage_gateway_partner_key_revocations_redis_up',
          help: "1 while this process hears the other gateways' partner-key revocations in Redis.",
          registers,
        })
      : undefined;
    this.publisher = new RedisLink(opts.redisUrl, { what: 'partner-key revocations', logger: opts.logger });
    this.subscriber = new RedisLink(opts.redisUrl, {
      what: 'partner-key revocations',
      logger: opts.logger,
      upGauge: up,
      subscriber: true,
      onReady: () => {
        for (const l of this.listeners) l.missed();
        this.subscriber!.client.subscribe(this.channel).catch(() => undefined);
      },
    });
    this.subscriber.client.on('message', (channel: string, id: string) => {
      if (channel !== this.channel) return;
      this.heard?.inc({ source: 'redis' });
      for (const l of this.listeners) l.revoked(id);
    });
  }

  listen(listener: RevocationListener): void {
    this.listeners.push(listener);
  }

  /** Forgets the key here at once and tells the other gateways; never fails (their verdicts expire anyway). */
  async announce(id: string): Promise<void> {
    this.heard?.inc({ source: 'local' });
    for (const l of this.listeners) l.revoked(id);
    if (this.publisher?.up) await this.publisher.client.publish(this.channel, id).catch(() => undefined);
  }

  close(): void {
    this.publisher?.close();
    this.subscriber?.close();
  }
}

const REVOKE_FIELD = 'revokePartnerKey';

/** The root fields of a mutation named `revokePartnerKey`, through fragments too. */
function revokeFields(operation: OperationDefinitionNode, document: DocumentNode): FieldNode[] {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const found: FieldNode[] = [];
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode) => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD && s.name.value === REVOKE_FIELD) found.push(s);
      else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet);
      else if (s.kind === Kind.FRAGMENT_SPREAD && !seen.has(s.name.value)) {
        seen.add(s.name.value);
        const f = fragments.get(s.name.value);
        if (f) walk(f.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return found;
}

/**
 * Announces each partner key that a mutation passing through this gateway revoked: after the
 * directory answered it (a non-null `revokePartnerKey` in the data), before the admin reads the
 * answer, so that when the admin sees "revoked", every gateway on the Redis has heard it.
 */
export function revocationPlugin(revocations: PartnerKeyRevocations): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, document, schema, request, response }) {
          if (operation?.operation !== 'mutation' || !document || response.body.kind !== 'single') return;
          const data = response.body.singleResult.data as Record<string, unknown> | null | undefined;
          const def = (schema as GraphQLSchema).getMutationType()?.getFields()[REVOKE_FIELD];
          if (!data || !def) return;
          for (const field of revokeFields(operation, document)) {
            if (data[field.alias?.value ?? field.name.value] == null) continue;
            let id: unknown;
            try {
              id = getArgumentValues(def, field, request.variables ?? {}).id;
            } catch {
              continue;
            }
            if (typeof id === 'string') await revocations.announce(id);
          }
        },
      };
    },
  };
}
