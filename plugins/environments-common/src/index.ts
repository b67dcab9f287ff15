/**
 * Types, permissions, annotations and checklist definitions shared by the environments plugins.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './checklist';
export * from './permissions';
export * from './types';
export * from './imageRef';
export * from './stageTime';
export * from './signals';
export { EnvironmentsApiClient } from './client';
// The generated base, as a type only: constructed directly it would send header parameters misnamed.
export type { DefaultApiClient } from './schema/openapi/generated/apis';
export type {
  CreatePromotion,
  CreateRollback,
  DecidePromotion,
  GetChecklist,
  GetDora,
  GetDrift,
  GetFleet,
  GetFleetDora,
  GetHealth,
  GetMetrics,
  GetPromotion,
  GetStatus,
  ListPromotions,
  ListStageGovernance,
  PreviewPromotion,
  RecordDeploy,
  RequestOptions,
  TypedResponse,
} from './schema/openapi/generated/apis';
