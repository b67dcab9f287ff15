import { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import {
  ChecklistResponse,
  EnvironmentsStatusResponse,
  MetricsResponse,
  Promotion,
  PromotionList,
  PromotionPreview,
} from '@envportal/plugin-environments-common';
import { DefaultApiClient, TypedResponse } from '../schema/openapi';
import {
  EnvironmentsApi,
  MetricsRange,
  PromotionInFlightError,
  PromotionRequest,
} from './types';

/**
 * Talks to environments-backend through the client generated from its OpenAPI spec. Requests go
 * through the fetchApi so they carry the user's Backstage token; errors keep the backend's message
 * (ResponseError) for the error panels. Each answer is returned as the -common type the views use: the
 * compiler checks that the spec's models fit them.
 * @public
 */
export class EnvironmentsClient implements EnvironmentsApi {
  private readonly api: DefaultApiClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.api = new DefaultApiClient(options);
  }

  async getStatus(
    entity: CompoundEntityRef,
  ): Promise<EnvironmentsStatusResponse> {
    return parse(await this.api.getStatus({ path: entity, query: {} }));
  }

  async getChecklist(
    entity: CompoundEntityRef,
    options: { stage?: string } = {},
  ): Promise<ChecklistResponse> {
    return parse(
      await this.api.getChecklist({
        path: entity,
        query: { stage: options.stage },
      }),
    );
  }

  async getMetrics(
    entity: CompoundEntityRef,
    options: { range: MetricsRange; stage?: string },
  ): Promise<MetricsResponse> {
    const metrics = await parse(
      await this.api.getMetrics({
        path: entity,
        query: { range: options.range, stage: options.stage },
      }),
    );
    return {
      ...metrics,
      stages: metrics.stages.map(stage => ({
        ...stage,
        series: stage.series.map(series => ({
          ...series,
          // OpenAPI 3.0 has no tuples: the spec's minItems/maxItems 2 is what makes a point a pair.
          points: series.points as Array<[number, number]>,
        })),
      })),
    };
  }

  async previewPromotion(
    entity: CompoundEntityRef,
    request: { from: string; to: string },
  ): Promise<PromotionPreview> {
    return parse(
      await this.api.previewPromotion({ path: entity, body: request }),
    );
  }

  async createPromotion(
    entity: CompoundEntityRef,
    request: PromotionRequest,
  ): Promise<Promotion> {
    const response = await this.api.createPromotion({
      path: entity,
      body: request,
      header: {},
    });
    if (response.status === 409) {
      // The backend names the promotion already running so the dialog can follow it.
      const body = await response
        .clone()
        .json()
        .catch(() => undefined);
      if (typeof body?.runningPromotionId === 'string') {
        throw new PromotionInFlightError(
          body.error?.message ?? 'A promotion is already running.',
          body.runningPromotionId,
        );
      }
    }
    return parse(response);
  }

  async listPromotions(
    entity: CompoundEntityRef,
    options: { limit: number; offset: number },
  ): Promise<PromotionList> {
    return parse(
      await this.api.listPromotions({ path: entity, query: options }),
    );
  }

  async getPromotion(id: string): Promise<Promotion> {
    return parse(await this.api.getPromotion({ path: { id } }));
  }
}

async function parse<T>(response: TypedResponse<T>): Promise<T> {
  if (!response.ok) {
    throw await ResponseError.fromResponse(response as Response);
  }
  return response.json();
}
