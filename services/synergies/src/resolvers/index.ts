import { DateScalar, DateTimeScalar } from '@maillage/subgraph-server';
import type { Resolvers } from '../generated/resolvers';
import { Actor } from './Actor';
import { ActorHit } from './ActorHit';
import { BridgedPair } from './BridgedPair';
import { BridgingActor } from './BridgingActor';
import { BridgingResult } from './BridgingResult';
import { CoParticipation } from './CoParticipation';
import { CrossTerritoryTies } from './CrossTerritoryTies';
import { FirstClient } from './FirstClient';
import { InitiativeSummary } from './InitiativeSummary';
import { Mutation } from './Mutation';
import { NetworkOverlap } from './NetworkOverlap';
import { NetworkTies } from './NetworkTies';
import { PathStep } from './PathStep';
import { Query } from './Query';
import { Scope } from './Scope';
import { SectorDivision } from './SectorDivision';
import { SectorPair } from './SectorPair';
import { SectorProfile } from './SectorProfile';
import { SolutionCandidate } from './SolutionCandidate';
import { SolutionConnection } from './SolutionConnection';
import { SolutionNetwork } from './SolutionNetwork';
import { SynergyPair } from './SynergyPair';
import { SynergyReason } from './SynergyReason';
import { SynergyReport } from './SynergyReport';
import { TerritoryCount } from './TerritoryCount';
import { Territory } from './Territory';
import { TerritoryTies } from './TerritoryTies';

/**
 * One resolver object per GraphQL type that needs more than its parent's fields; the others resolve
 * by default. The interfaces (`Network`, `Membership`, `Initiative`, `Node`) need none: their nodes are references that carry their
 * `__typename` (`NetworkRef`, models.ts), which graphql-js's default type resolver reads. (A
 * `__resolveType` here would not fit @apollo/subgraph's map type, apollographql/federation#1076.)
 * `satisfies` checks the map against the generated types and keeps it assignable to that map type.
 */
export const resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Actor,
  Territory,
  Scope,
  NetworkOverlap,
  SectorDivision,
  SectorProfile,
  SectorPair,
  InitiativeSummary,
  CoParticipation,
  BridgingResult,
  BridgingActor,
  BridgedPair,
  CrossTerritoryTies,
  NetworkTies,
  TerritoryTies,
  TerritoryCount,
  SynergyReport,
  SynergyPair,
  SynergyReason,
  ActorHit,
  SolutionConnection,
  SolutionCandidate,
  SolutionNetwork,
  PathStep,
  FirstClient,
} satisfies Resolvers;
