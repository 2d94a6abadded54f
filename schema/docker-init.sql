-- One database per subgraph, created when the PostgreSQL container first starts.
CREATE DATABASE maillage_directory;
CREATE DATABASE maillage_chambers;
CREATE DATABASE maillage_clusters;
CREATE DATABASE maillage_councils;
CREATE DATABASE maillage_clubs;
CREATE DATABASE maillage_synergies;
