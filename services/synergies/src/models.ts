import type {
  Bridge,
  BridgingMethod,
  CoParticipation,
  DivisionLink,
  FirstClient,
  NetworkPair,
  NetworkTies,
  Need,
  PathStep,
  Reason,
  ReportPair,
  ResolvedScope,
  SearchHit,
  SectorProfile,
  Solution,
  SolutionNetwork,
  SynergyEngine,
  SynergyReport,
  TerritoryTies,
  TieCount,
  TieLevel,
  View,
} from '@maillage/synergy';
import { type Connection } from '@maillage/subgraph-server';
import type { SnapshotFigures } from './store';

// The parents of the field resolvers (graphql-codegen `mappers`, codegen.ts): what the engine
// computes, in its own terms (actor, network and initiative indices, division numbers), with the
// engine it was computed on so a field resolver can turn an index into an entity reference.

/** A measure's figures and the engine (the snapshot) they were computed on. */
export type Bound<T> = T & { engine: SynergyEngine };

/** A reference to a network entity of another subgraph: the union member and its id. */
export interface NetworkRef {
  __typename: 'Chamber' | 'Cluster' | 'Council' | 'Club';
  id: string;
}

/** A reference to a membership entity of a network subgraph (`ChamberMembership`...). */
export interface MembershipRef {
  __typename: 'ChamberMembership' | 'ClusterMembership' | 'CouncilMembership' | 'ClubMembership';
  id: string;
}

/** A reference to an initiative entity of a network subgraph (`ChamberInitiative`...). */
export interface InitiativeRef {
  __typename: 'ChamberInitiative' | 'ClusterInitiative' | 'CouncilInitiative' | 'ClubInitiative';
  id: string;
}

/** References to the directory's entities, which this subgraph adds cross-kind lists to. */
export interface ActorRef {
  __typename: 'Actor';
  id: string;
}
export interface TerritoryRef {
  __typename: 'Territory';
  id: string;
}

/** Anything with a global id, as a reference its own subgraph resolves. */
export type NodeRef = NetworkRef | MembershipRef | InitiativeRef | ActorRef | TerritoryRef;

/** A search hit: what it found, as a reference, with its name and score. */
export interface SearchHitModel {
  node: NodeRef;
  type: 'ACTOR' | 'NETWORK' | 'INITIATIVE';
  name: string;
  score: number;
}

export type ScopeModel = Bound<ResolvedScope>;
export type NetworkOverlapModel = Bound<{
  networkA: number;
  networkB: number;
  membersA: number;
  membersB: number;
  jaccard: number;
  shared: number[];
  scope: ResolvedScope;
}>;
/** A NAF division as a number (62). */
export type SectorDivisionModel = number;
export type SectorShareModel = { division: number; count: number; share: number };
export type SectorProfileModel = Bound<SectorProfile>;
export type SectorLinkModel = DivisionLink;
export type SectorPairModel = Bound<NetworkPair & { view: View }>;
export type InitiativeSummaryModel = Bound<{ initiative: number }>;
export type CoParticipationModel = Bound<CoParticipation>;
export type BridgedPairModel = Bound<Bridge['pairs'][number]>;
export type BridgingActorModel = Bound<Bridge>;
export type BridgingResultModel = Bound<{ method: BridgingMethod; actors: Bridge[]; scope: ResolvedScope }>;
export type TerritoryCountModel = TieCount;
export type NetworkTiesModel = Bound<NetworkTies>;
export type TerritoryTiesModel = TerritoryTies;
export type CrossTerritoryTiesModel = Bound<{
  level: TieLevel;
  scope: ResolvedScope;
  networks: NetworkTies[];
  territories: TerritoryTies[];
}>;
export type SynergyPairModel = Bound<ReportPair>;
export type SynergyReasonModel = Bound<Reason>;
export type SynergyReportModel = Bound<SynergyReport & { scope: ResolvedScope; first: number }>;
export type ActorHitModel = Bound<SearchHit>;
export type PathStepModel = Bound<PathStep>;
export type SolutionCandidateModel = Bound<Solution>;
export type SolutionNetworkModel = Bound<SolutionNetwork>;
/** A page of candidates; the networks in reach are computed only when asked for. */
export type SolutionConnectionModel = Bound<{
  totalCount: number;
  pageInfo: Connection<Solution>['pageInfo'];
  nodes: Solution[];
  actor: number;
  need: Need;
}>;
export type FirstClientModel = Bound<FirstClient>;
export type SynergySnapshotModel = SnapshotFigures;
