import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import {
  defaultFieldResolver,
  isObjectType,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { ANONYMOUS, forbidden, hasScopes, isAuthenticated, unauthenticated, type Viewer } from './auth';

/** What a field's schema declares about who may resolve it. */
export interface FieldRule {
  authenticated: boolean;
  /** `@requiresScopes(scopes:)`: alternatives, each a list of scopes all required. */
  scopes?: string[][];
}

const isDirective = (d: ConstDirectiveNode, name: string) => d.name.value === name || d.name.value === `federation__${name}`;

function ruleOf(directives: readonly ConstDirectiveNode[]): FieldRule | undefined {
  let rule: FieldRule | undefined;
  for (const d of directives) {
    if (isDirective(d, 'authenticated')) rule = { ...rule, authenticated: true };
    if (isDirective(d, 'requiresScopes')) {
      const arg = d.arguments?.find((a) => a.name.value === 'scopes');
      const scopes = arg ? (valueFromASTUntyped(arg.value) as string[][]) : [];
      // Two @requiresScopes on a field and its type must both hold: keep the stricter by combining.
      rule = { authenticated: true, scopes: rule?.scopes ? rule.scopes.flatMap((a) => scopes.map((b) => [...a, ...b])) : scopes };
    }
  }
  return rule;
}

/** Throws UNAUTHENTICATED or FORBIDDEN when the viewer may not resolve a field under `rule`. */
export function checkRule(viewer: Viewer, rule: FieldRule, coordinate: string): void {
  if (!isAuthenticated(viewer)) throw unauthenticated(`Sign in to read ${coordinate}: send a bearer token`);
  if (rule.scopes && !hasScopes(viewer, rule.scopes)) {
    const needed = rule.scopes.map((all) => all.map((s) => `"${s}"`).join(' and ')).join(' or ');
    throw forbidden(`${coordinate} needs the ${needed} scope`);
  }
}

/**
 * Enforces `@authenticated` and `@requiresScopes` where the subgraph declares them, on fields and
 * on object types (every field of the type), by wrapping each guarded field's resolver: the check
 * runs in the subgraph that owns the field, whatever route the request took. The viewer comes
 * from `context.viewer`; a context without one is anonymous.
 */
export function enforceAuthDirectives(schema: GraphQLSchema): Map<string, FieldRule> {
  const rules = new Map<string, FieldRule>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const typeDirectives = [type.astNode, ...type.extensionASTNodes].flatMap((n) => n?.directives ?? []);
    const typeRule = ruleOf(typeDirectives);
    for (const field of Object.values(type.getFields())) {
      const fieldRule = ruleOf(field.astNode?.directives ?? []);
      const rule = typeRule && fieldRule ? ruleOf([...typeDirectives, ...(field.astNode?.directives ?? [])]) : (fieldRule ?? typeRule);
      if (!rule) continue;
      const coordinate = `${type.name}.${field.name}`;
      rules.set(coordinate, rule);
      const resolve: GraphQLFieldResolver<unknown, { viewer?: Viewer }> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        checkRule(context?.viewer ?? ANONYMOUS, rule, coordinate);
        return resolve(source, args, context, info);
      };
    }
  }
  return rules;
}

/** `buildSubgraphSchema` with the schema's authorization directives enforced. */
export function buildSecuredSubgraphSchema<Ctx>(def: { typeDefs: DocumentNode; resolvers: GraphQLResolverMap<Ctx> }): GraphQLSchema {
  const schema = buildSubgraphSchema([{ typeDefs: def.typeDefs, resolvers: def.resolvers }]);
  enforceAuthDirectives(schema);
  return schema;
}

/**
 * Apollo Gateway refuses a supergraph that links a `for: SECURITY` feature it does not enforce
 * itself, and it enforces neither `@authenticated` nor `@requiresScopes` (the Router does). In
 * Maillage the subgraph that owns each field enforces them (`enforceAuthDirectives`), and the
 * gateway checks nothing of them, so these two links lose their `for: SECURITY` on the way into
 * the gateway: the directives stay in the supergraph, for composition and readers, unenforced by
 * the gateway by design. Any other SECURITY feature still makes the gateway refuse the supergraph.
 */
export function supergraphForGateway(sdl: string): string {
  return sdl.replace(/(@link\(url: "https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes)\/v0\.1"), for: SECURITY\)/g, '$1)');
}
