'use strict';
// SDL that a hand-written subgraph schema would otherwise say twice, derived from the one place
// that says it: `npm run networks` (scripts/networks.js) writes what these give into the
// subgraph's shared.graphql, and `networks:check` fails when that drifts from its source.
//
//   optionalInput({ from: 'CreateActorInput', name: 'UpdateActorInput', description })
//     the input `from` again, under `name` with its own description: the same fields, descriptions,
//     defaults and order, each field's outer non-null dropped (an update names only what changes).
//   sameArguments({ from: 'Actor.initiatives', to: 'Territory', description })
//     the field `from` again on the type `to` (an extension of it), with its own description: the
//     same arguments, type and directives, so the two fields cannot take different filters.
const { Kind, parse, print } = require('graphql');

function definition(doc, kinds, name, where) {
  const def = doc.definitions.find((d) => kinds.includes(d.kind) && d.name.value === name);
  if (!def) throw new Error(`${where}: no ${name} to derive from`);
  return def;
}

const describe = (value) => ({ kind: Kind.STRING, value, block: false });

function optionalInput({ from, name, description }) {
  return (doc, where) => {
    const source = definition(doc, [Kind.INPUT_OBJECT_TYPE_DEFINITION], from, where);
    return print({
      ...source,
      name: { kind: Kind.NAME, value: name },
      description: describe(description),
      fields: source.fields.map((f) => (f.type.kind === Kind.NON_NULL_TYPE ? { ...f, type: f.type.type } : f)),
    });
  };
}

function sameArguments({ from, to, description }) {
  const [typeName, fieldName] = from.split('.');
  return (doc, where) => {
    const type = definition(doc, [Kind.OBJECT_TYPE_DEFINITION, Kind.INTERFACE_TYPE_DEFINITION], typeName, where);
    const field = type.fields.find((f) => f.name.value === fieldName);
    if (!field) throw new Error(`${where}: no ${from} to derive from`);
    definition(doc, [Kind.OBJECT_TYPE_DEFINITION], to, where);
    return print({
      kind: Kind.OBJECT_TYPE_EXTENSION,
      name: { kind: Kind.NAME, value: to },
      directives: [],
      interfaces: [],
      fields: [{ ...field, description: describe(description) }],
    });
  };
}

/** The derived SDL of a hand-written schema's text, each piece in the order given. */
function derive(text, derivations, where) {
  const doc = parse(text);
  return derivations.map((d) => `${d(doc, where)}\n`);
}

module.exports = { optionalInput, sameArguments, derive };
