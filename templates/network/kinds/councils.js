// What the councils subgraph adds to templates/network/ (see scripts/networks.js): its own prose,
// and its own fields and types, kept in `details` (a kind with none leaves them empty).
module.exports = {
  // Where the subgraph listens unless PORT says otherwise.
  defaultPort: 4004,
  networkDescription: `"""
A metropolitan council (Montpellier's Conseil Métropolitain de l'Industrie Positive), the think tank that
prepared it, or a regional body that convenes networks (Région Midi-Pyrénées convening its pôles and
clusters with the CCIs).
"""`,
  parentDescription: "The body this one belongs to.",
  childrenDescription: "Bodies that belong to this one.",
  networkFields: `  "What the council is for, in its own words."
  mission: String
  "Strategy axes the council works along."
  strategyAxes: [String!]!
  "The roadmap the council co-builds, with its period."
  roadmap: Roadmap
`,
  networkTypes: `"A roadmap and the years it covers."
type Roadmap {
  "The roadmap's name, e.g. « Feuille de route 2021-2026 »."
  name: String!
  "First year it covers."
  startYear: Int
  "Last year it covers."
  endYear: Int
}

`,
  prismaHeader: `// The councils subgraph's own database: metropolitan councils, the think tanks before them, and the
// regional bodies that convene networks; their members, sessions and strategy (in details).
// Actors and territories belong to the directory: they are referenced by id, never joined.`,
  roleExample: "« président », « responsable du réseau »",
  // Its own fields resolve in services/councils/src/resolvers/own/.
  ownResolvers: true,
  // Seeded entities test/entities.test.ts resolves through _entities.
  seededNetwork: 'co-think-tank-industrie',
  seededMembership: 'co-m-cmip-orange',
  seededInitiative: 'co-i-cmip-premiere-session',
  seededActor: 'act-orange',
  seededTerritory: 'EPCI-243400017',
};
