import { DateScalar, DateTimeScalar } from '@maillage/kit';
import type { Resolvers } from '../generated/resolvers';
import { ActorHit } from './ActorHit';
import { BridgedPair } from './BridgedPair';
import { BridgingActor } from './BridgingActor';
import { BridgingResult } from './BridgingResult';
import { CoParticipation } from './CoParticipation';
import { CrossTerritoryTies } from './CrossTerritoryTies';
import { FirstClient } from './FirstClient';
import { InitiativeSummary } from './InitiativeSummary';
import { Mutation } from './Mutation';
import { Network } from './Network';
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
import { SynergyReport } from './SynergyReport';
import { TerritoryCount } from './TerritoryCount';
import { TerritoryTies } from './TerritoryTies';

/** One resolver object per GraphQL type that needs more than its parent's fields; the others resolve by default. */
export const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Network,
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
  ActorHit,
  SolutionConnection,
  SolutionCandidate,
  SolutionNetwork,
  PathStep,
  FirstClient,
};
