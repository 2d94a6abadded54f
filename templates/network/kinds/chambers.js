// What the chambers subgraph adds to templates/network/ (see scripts/networks.js): its own prose,
// and its own fields and types, kept in `details` (a kind with none leaves them empty).
module.exports = {
  // Where the subgraph listens unless PORT says otherwise.
  defaultPort: 4002,
  networkDescription: `"""
A consular chamber network: a CCI (territoriale, départementale or régionale) or a CMA (régionale, with its
départemental establishments). Its members are elected members, ressortissants, partner structures
and attached chambers.
"""`,
  parentDescription: "The regional chamber this one is attached to, or whose establishment it is.",
  childrenDescription: "Chambers attached to this one (territorial CCIs of a CCIR, establishments of a regional CMA).",
  networkFields: `  "What the chamber says its missions are, in its own (or its president's) words."
  missions: [String!]!
`,
  networkTypes: ``,
  prismaHeader: `// The chambers subgraph's own database: CCI and CMA networks, their members (elected members,
// ressortissants, partner structures, attached chambers) and the programmes they run.
// Actors and territories belong to the directory: they are referenced by id, never joined.`,
  // Its own fields resolve in services/chambers/src/resolvers/own/.
  ownResolvers: true,
  roleExample: "« président », « élu en charge de l'emploi »",
  // Seeded entities test/entities.test.ts resolves through _entities.
  seededNetwork: 'ch-cci-herault',
  seededMembership: 'ch-m-cma-herault-occitanie',
  seededInitiative: 'ch-i-metropolitan-business-act',
  seededActor: 'act-cma-herault',
  seededTerritory: 'DEP-34',
};
