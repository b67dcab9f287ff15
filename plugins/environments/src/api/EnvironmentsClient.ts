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
import {
  EnvironmentsApi,
  MetricsRange,
  PromotionInFlightError,
  PromotionRequest,
} from './types';

/**
 * Talks to environments-backend over REST. Requests go through the fetchApi so they carry the user's
 * Backstage token; errors keep the backend's message (ResponseError) for the error panels.
 * @public
 */
export class EnvironmentsClient implements EnvironmentsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getStatus(entity: CompoundEntityRef): Promise<EnvironmentsStatusResponse> {
    return this.get(`${entityPath(entity)}/status`);
  }

  getChecklist(
    entity: CompoundEntityRef,
    options: { stage?: string } = {},
  ): Promise<ChecklistResponse> {
    return this.get(`${entityPath(entity)}/checklist`, {
      stage: options.stage,
    });
  }

  getMetrics(
    entity: CompoundEntityRef,
    options: { range: MetricsRange; stage?: string },
  ): Promise<MetricsResponse> {
    return this.get(`${entityPath(entity)}/metrics`, {
      range: options.range,
      stage: options.stage,
    });
  }

  previewPromotion(
    entity: CompoundEntityRef,
    request: { from: string; to: string },
  ): Promise<PromotionPreview> {
    return this.post(`${entityPath(entity)}/promotions/preview`, request);
  }

  async createPromotion(
    entity: CompoundEntityRef,
    request: PromotionRequest,
  ): Promise<Promotion> {
    const response = await this.send(`${entityPath(entity)}/promotions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
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
    return this.parse<Promotion>(response);
  }

  listPromotions(
    entity: CompoundEntityRef,
    options: { limit: number; offset: number },
  ): Promise<PromotionList> {
    return this.get(`${entityPath(entity)}/promotions`, {
      limit: String(options.limit),
      offset: String(options.offset),
    });
  }

  getPromotion(id: string): Promise<Promotion> {
    return this.get(`/promotions/${encodeURIComponent(id)}`);
  }

  private async get<T>(
    path: string,
    query: Record<string, string | undefined> = {},
  ): Promise<T> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) params.set(key, value);
    }
    const search = params.toString();
    return this.request<T>(`${path}${search ? `?${search}` : ''}`, {
      method: 'GET',
    });
  }

  private post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  private async request<T>(path: string, init: RequestInit): Promise<T> {
    return this.parse<T>(await this.send(path, init));
  }

  private async send(path: string, init: RequestInit): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl('environments');
    return this.fetchApi.fetch(`${baseUrl}${path}`, init);
  }

  private async parse<T>(response: Response): Promise<T> {
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

/** Each part is encoded: entity names may hold characters that are not safe in a path. */
function entityPath(entity: CompoundEntityRef): string {
  return `/entities/${[entity.kind, entity.namespace, entity.name]
    .map(part => encodeURIComponent(part))
    .join('/')}`;
}
