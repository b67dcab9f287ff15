import { BackstageCredentials } from '@backstage/backend-plugin-api';
import type {
  CheckResult,
  ChecklistResponse,
  HealthEndpointResult,
} from '@envportal/plugin-environments-common';
import { EntityRefParts } from '../entities';

export interface ChecklistService {
  getChecklist(
    input: { entity: EntityRefParts; stages?: string[] },
    options: { credentials: BackstageCredentials },
  ): Promise<ChecklistResponse>;
}

/** The verdict of one item before the shared title/group are attached. */
export type Verdict = {
  result: CheckResult;
  evidence: string;
  /** A few short lines behind the verdict, e.g. the most recent error log lines, summarized. */
  details?: string[];
};

/** What the items read besides the cache, gathered once per stage. Undefined fields mean "not read". */
export type StageSignals = {
  health?: HealthEndpointResult;
  prometheus:
    | { configured: false }
    | {
        configured: true;
        ready: boolean;
        readyDetail: string;
        /** `up` samples of the service; undefined when the query failed (see error). */
        up?: Array<{ labels: Record<string, string>; value: number }>;
        /** Loaded alert rules labelled for this namespace and service. */
        alertRules?: string[];
        error?: string;
        service?: string;
      };
  logs: LogSignal;
};

export type LogSignal =
  | {
      readable: true;
      pods: number;
      lines: number;
      errorLines: number;
      firstErrorPod?: string;
      /** Summaries of the most recent error lines (`summarizeErrorLine`), the most recent first. */
      recentErrors: string[];
    }
  | { readable: false; reason: string };
