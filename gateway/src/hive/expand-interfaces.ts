import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import {
  buildASTSchema,
  isInterfaceType,
  Kind,
  parse,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type InlineFragmentNode,
  type SelectionNode,
} from 'graphql';

/**
 * `Type.field` pairs that some subgraph declares `@external` (a `@join__field(..., external: true)`
 * of the supergraph): the subgraph that returns the type cannot resolve the field itself.
 */
function externalFields(supergraph: DocumentNode): Set<string> {
  const external = new Set<string>();
  for (const def of supergraph.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const field of def.fields ?? []) {
      const isExternal = field.directives?.some(
        (d) =>
          d.name.value === 'join__field' &&
          d.arguments?.some((a) => a.name.value === 'external' && a.value.kind === Kind.BOOLEAN && a.value.value),
      );
      if (isExternal) external.add(`${def.name.value}.${field.name.value}`);
    }
  }
  return external;
}

/**
 * Rewrites, in an operation, each field selected on an interface whose implementations some
 * subgraph holds only as `@external` placeholders into the same field under an inline fragment per
 * implementation: `coOrganisers { kind name }` becomes `coOrganisers { ... on Chamber { kind name }
 * ... on Club { kind name } ... }`. The answer is the same by the spec's field collection (each
 * object's fields are those of the fragments its type matches, in the same order).
 *
 * Why: Hive Gateway 2.15.1 (@graphql-tools/federation 4.x, its stitching planner) sends a selection on
 * an interface as it is to the subgraph that returns it and refuses it there ("Was not able to find
 * any options for kind") when that subgraph's implementing type has the field `@external`; on a
 * concrete type it plans the external field as an entity fetch from its owner, as Apollo's planner
 * does for the interface too. This is the type expansion Hive Router's planner does itself
 * (graphql-hive/router#197). Other selections are left as they are.
 */
export function interfaceExpander(supergraphSdl: string): (doc: DocumentNode) => DocumentNode {
  const ast = parse(supergraphSdl);
  const schema: GraphQLSchema = buildASTSchema(ast, { assumeValid: true, assumeValidSDL: true });
  const external = externalFields(ast);
  const typeInfo = new TypeInfo(schema);
  const needsExpansion = new Map<string, boolean>();
  const expands = (iface: string, field: string) => {
    const key = `${iface}.${field}`;
    let result = needsExpansion.get(key);
    if (result === undefined) {
      const type = schema.getType(iface);
      result = isInterfaceType(type) && schema.getPossibleTypes(type).some((t) => external.has(`${t.name}.${field}`));
      needsExpansion.set(key, result);
    }
    return result;
  };
  return (doc) =>
    visit(
      doc,
      visitWithTypeInfo(typeInfo, {
        SelectionSet: {
          leave(node) {
            // On leave, TypeInfo's parent type is the type this selection set selects on.
            const parent = typeInfo.getParentType();
            if (!isInterfaceType(parent)) return undefined;
            // A type hidden from the API (@inaccessible) cannot be named in an operation.
            const implementations = schema
              .getPossibleTypes(parent)
              .filter((t) => !t.astNode?.directives?.some((d) => d.name.value === 'inaccessible'));
            const selections: SelectionNode[] = [];
            let run: SelectionNode[] = [];
            const flush = () => {
              if (!run.length) return;
              for (const t of implementations) {
                const fragment: InlineFragmentNode = {
                  kind: Kind.INLINE_FRAGMENT,
                  typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: t.name } },
                  selectionSet: { kind: Kind.SELECTION_SET, selections: run },
                };
                selections.push(fragment);
              }
              run = [];
            };
            let changed = false;
            for (const s of node.selections) {
              if (s.kind === Kind.FIELD && s.name.value !== '__typename' && expands(parent.name, s.name.value)) {
                run.push(s);
                changed = true;
              } else {
                flush();
                selections.push(s);
              }
            }
            flush();
            return changed ? { ...node, selections } : undefined;
          },
        },
      }),
    );
}

/** The plugin: every parsed operation goes through `interfaceExpander` before validation and planning. */
export function useInterfaceExpansion(supergraphSdl: string): GatewayPlugin {
  const expand = interfaceExpander(supergraphSdl);
  return {
    onParse() {
      return ({ result, replaceParseResult }) => {
        if (result && typeof result === 'object' && (result as DocumentNode).kind === Kind.DOCUMENT)
          replaceParseResult(expand(result as DocumentNode));
      };
    },
  };
}
