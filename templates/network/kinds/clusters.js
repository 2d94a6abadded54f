// What the clusters subgraph adds to templates/network/ (see scripts/networks.js): its own prose,
// and its own fields and types, kept in `details` (a kind with none leaves them empty).
module.exports = {
  // Where the subgraph listens unless PORT says otherwise.
  defaultPort: 4003,
  networkDescription: `"""
A pôle de compétitivité, a cluster or a pôle entrepreneurial, usually run by an association; pôles
hold a state label for periods (phases).
"""`,
  parentDescription: "The network this one is part of.",
  childrenDescription: "Networks that are part of this one.",
  networkFields: `  "State label periods (pôles de compétitivité are labelled by phases)."
  labels: [LabelPeriod!]! @listSize(assumedSize: 10)
`,
  networkTypes: `"A period during which a cluster held a label."
type LabelPeriod {
  "E.g. « Pôle de compétitivité »."
  label: String!
  "E.g. « V » for phase V (2023-2026)."
  phase: String
  "When the label period starts."
  startDate: Date
  "When it ends."
  endDate: Date
}

`,
  prismaHeader: `// The clusters subgraph's own database: pôles de compétitivité, clusters and pôles entrepreneuriaux,
// their members by category, label periods (in details) and the projects they run.
// Actors and territories belong to the directory: they are referenced by id, never joined.`,
  roleExample: "« président », « responsable du réseau »",
  // Its own fields resolve in services/clusters/src/resolvers/own/.
  ownResolvers: true,
  // Seeded entities test/entities.test.ts resolves through _entities.
  seededNetwork: 'cl-aerospace-valley',
  seededMembership: 'cl-m-cci-grand-nancy-alexis',
  seededInitiative: 'cl-i-dynamique-multi-partenariale',
  seededActor: 'act-cci-grand-nancy',
  seededTerritory: 'REG-76',
};
