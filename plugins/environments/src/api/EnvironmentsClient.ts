import { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import {
  ApprovalRequest,
  ChecklistResponse,
  EnvironmentsApiClient,
  DoraMetrics,
  DoraRange,
  DriftResponse,
  EnvironmentsStatusResponse,
  FleetResponse,
  MetricsResponse,
  Promotion,
  PromotionList,
  PromotionPreview,
  StageGovernanceList,
  TypedResponse,
} from '@envportal/plugin-environments-common';
import {
  EnvironmentsApi,
  MetricsRange,
  PromotionInFlightError,
  PromotionRequest,
} from './types';

/** The first wait before a promotion refused by a stopping replica is sent again (then 2x, 3x). */
const SHUTDOWN_RETRY_MS = 500;

/**
 * Talks to environments-backend through the client generated from its OpenAPI spec (in -common, with
 * the models the views use). Requests go through the fetchApi so they carry the user's Backstage token;
 * errors keep the backend's message (ResponseError) for the error panels.
 * @public
 */
export class EnvironmentsClient implements EnvironmentsApi {
  private readonly api: EnvironmentsApiClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.api = new EnvironmentsApiClient(options);
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
    return parse(
      await this.api.getMetrics({
        path: entity,
        query: { range: options.range, stage: options.stage },
      }),
    );
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
    const send = () =>
      this.api.createPromotion({ path: entity, body: request, header: {} });
    let response = await send();
    // A replica that is shutting down stores nothing and answers 503; with an idempotency key the
    // request is sent again (another replica answers), and can never start a second promotion.
    for (
      let retry = 0;
      response.status === 503 && request.idempotencyKey && retry < 3;
      retry++
    ) {
      await new Promise(resolve =>
        setTimeout(resolve, SHUTDOWN_RETRY_MS * (retry + 1)),
      );
      response = await send();
    }
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

  async decidePromotion(
    id: string,
    request: ApprovalRequest,
  ): Promise<Promotion> {
    return parse(
      await this.api.decidePromotion({ path: { id }, body: request }),
    );
  }

  async getStageGovernance(): Promise<StageGovernanceList> {
    return parse(await this.api.listStageGovernance({}));
  }

  async getFleet(): Promise<FleetResponse> {
    return parse(await this.api.getFleet({}));
  }

  async getDrift(entity: CompoundEntityRef): Promise<DriftResponse> {
    return parse(await this.api.getDrift({ path: entity }));
  }

  async getDora(
    entity: CompoundEntityRef,
    range: DoraRange,
  ): Promise<DoraMetrics> {
    return parse(await this.api.getDora({ path: entity, query: { range } }));
  }

  async getFleetDora(range: DoraRange): Promise<DoraMetrics> {
    return parse(await this.api.getFleetDora({ query: { range } }));
  }
}

async function parse<T>(response: TypedResponse<T>): Promise<T> {
  if (!response.ok) {
    throw await ResponseError.fromResponse(response as Response);
  }
  return response.json();
}
