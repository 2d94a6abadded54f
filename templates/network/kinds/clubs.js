// What the clubs subgraph adds to templates/network/ (see scripts/networks.js): its own prose,
// and its own fields and types, kept in `details` (a kind with none leaves them empty).
module.exports = {
  // Where the subgraph listens unless PORT says otherwise.
  defaultPort: 4005,
  networkDescription: `"""
A business club (Club des Entrepreneurs Millavois) or one of its sub-networks (Réseau 1234, between
Aveyron and Hérault).
"""`,
  parentDescription: "The club a sub-network is attached to.",
  childrenDescription: "Sub-networks attached to this club.",
  networkFields: ``,
  networkTypes: ``,
  prismaHeader: `// The clubs subgraph's own database: business clubs and their sub-networks, members, meetings and
// projects. Actors and territories belong to the directory: they are referenced by id, never joined.`,
  roleExample: "« président », « responsable du réseau »",
  // Seeded entities test/entities.test.ts resolves through _entities.
  seededNetwork: 'cb-club-entrepreneurs-millavois',
  seededMembership: 'cb-m-brengues-club',
  seededInitiative: 'cb-i-presentation-reseau-1234',
  seededActor: 'act-cyrille-brengues',
  seededTerritory: 'COM-12145',
};
