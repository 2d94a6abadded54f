import { service as chambers } from '@maillage/chambers';
import { service as clubs } from '@maillage/clubs';
import { service as clusters } from '@maillage/clusters';
import { service as councils } from '@maillage/councils';
import { service as directory } from '@maillage/directory';
import { service as synergies } from '@maillage/synergies';

/** The six subgraphs, in the order the harness starts them. */
export const subgraphs = [directory, chambers, clusters, councils, clubs, synergies] as never[];
