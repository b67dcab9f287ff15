import type { V1Container, V1PodSpec } from '@kubernetes/client-node';
import type { Wire } from '@envportal/plugin-environments-node';
import { NamespaceCache } from '../cache';
import { matcherFromLabelSelector, WorkloadSelector } from '../entities';
import { podReady, podRestarts, rolloutOf, WorkloadSnapshot } from '../status';
import { StageSignals, Verdict } from './types';

/** What every item reads: the cache snapshot of one stage, plus the signals gathered outside it. */
export type CheckInput = {
  namespace: string;
  cache: NamespaceCache;
  snapshot: WorkloadSnapshot;
  selector: WorkloadSelector;
  signals: StageSignals;
  maxRestarts: number;
};

const unknown = (evidence: string): Verdict => ({
  result: 'unknown',
  evidence,
});
const pass = (evidence: string): Verdict => ({ result: 'pass', evidence });
const fail = (evidence: string): Verdict => ({ result: 'fail', evidence });
const warn = (evidence: string): Verdict => ({ result: 'warn', evidence });

const SECRET_LIKE_NAME =
  /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;

function podSpec(input: CheckInput): Wire<V1PodSpec> | undefined {
  return input.snapshot.deployment?.spec?.template?.spec;
}

function allContainers(spec: Wire<V1PodSpec>): Array<Wire<V1Container>> {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

/** A name for evidence; objects from the API server always have one. */
const nameOf = (o: { metadata?: { name?: string } }) =>
  o.metadata?.name ?? '(unnamed)';

function noDeployment(input: CheckInput): Verdict {
  return fail(
    `no Deployment labelled ${input.selector.description} in namespace ${input.namespace}`,
  );
}

export function podsReady(input: CheckInput): Verdict {
  const d = input.snapshot.deployment;
  if (!d) return noDeployment(input);
  const desired = d.spec?.replicas ?? 1;
  const pods = input.snapshot.pods;
  const ready = pods.filter(podReady);
  const notReady = pods.filter(p => !podReady(p)).map(nameOf);
  const restarts = Math.max(0, ...pods.map(podRestarts));
  const rollout = rolloutOf(input.snapshot);
  const summary = `${ready.length}/${desired} pods ready, rollout ${rollout.state}`;
  if (rollout.state === 'failed')
    return fail(`${summary}: ${rollout.message ?? ''}`.trim());
  // Nothing runs, so nothing was verified: a scaled-down Deployment must not pass.
  if (desired === 0)
    return fail(`${summary}: the Deployment is scaled to 0 replicas`);
  if (ready.length < desired) {
    return fail(
      `${summary}; not ready: ${
        notReady.slice(0, 5).join(', ') || 'pods missing'
      }`,
    );
  }
  if (restarts > input.maxRestarts) {
    return fail(
      `${summary}, but a pod restarted ${restarts} times (limit ${input.maxRestarts})`,
    );
  }
  if (rollout.state !== 'complete')
    return warn(`${summary}: ${rollout.message ?? ''}`.trim());
  return pass(`${summary}, at most ${restarts} restarts per pod`);
}

export function healthEndpoints(input: CheckInput): Verdict {
  const h = input.signals.health;
  if (!h || (h.live === 'unknown' && h.ready === 'unknown')) {
    return unknown(h?.detail ?? 'health endpoints not probed');
  }
  if (h.live === 'pass' && h.ready === 'pass')
    return pass(`the stage's health endpoints: ${h.detail}`);
  return fail(`the stage's health endpoints: ${h.detail}`);
}

export function logsNoErrors(input: CheckInput): Verdict {
  const logs = input.signals.logs;
  if (!logs.readable) return unknown(`logs not readable: ${logs.reason}`);
  if (logs.lines === 0)
    return unknown(`no log lines in the last lines of ${logs.pods} pod(s)`);
  if (logs.errorLines > 0) {
    return {
      ...fail(
        `${logs.errorLines} of the last ${logs.lines} log lines of ${logs.pods} pod(s) are at level error or above (first in ${logs.firstErrorPod})`,
      ),
      ...(logs.recentErrors.length > 0 && { details: logs.recentErrors }),
    };
  }
  return pass(
    `none of the last ${logs.lines} log lines of ${logs.pods} pod(s) is at level error or above`,
  );
}

function prometheusUp(input: CheckInput):
  | { verdict: Verdict }
  | {
      up: Array<{ labels: Record<string, string>; value: number }>;
      service: string;
    } {
  const p = input.signals.prometheus;
  if (!p.configured)
    return {
      verdict: unknown('environments.prometheus.url is not configured'),
    };
  if (!p.up)
    return {
      verdict: unknown(`Prometheus not queried: ${p.error ?? p.readyDetail}`),
    };
  return { up: p.up, service: p.service ?? '?' };
}

export function metricsCollected(input: CheckInput): Verdict {
  const r = prometheusUp(input);
  if ('verdict' in r) return r.verdict;
  const healthy = r.up.filter(s => s.value === 1).length;
  if (r.up.length === 0) {
    return fail(
      `Prometheus has no scrape target for service "${r.service}" in namespace ${input.namespace}`,
    );
  }
  if (healthy === 0)
    return fail(
      `all ${r.up.length} scrape target(s) of "${r.service}" are down (up == 0)`,
    );
  if (healthy < r.up.length) {
    return warn(
      `${healthy} of ${r.up.length} scrape targets of "${r.service}" are up`,
    );
  }
  return pass(`${healthy} scrape target(s) of "${r.service}" report up == 1`);
}

export function prometheusTargets(input: CheckInput): Verdict {
  const r = prometheusUp(input);
  if ('verdict' in r) return r.verdict;
  if (r.up.length === 0) {
    return fail(
      `no target with namespace="${input.namespace}", service="${r.service}" in Prometheus`,
    );
  }
  const jobs = [...new Set(r.up.map(s => s.labels.job).filter(Boolean))];
  return pass(
    `${r.up.length} target(s) discovered (job ${jobs.join(', ') || 'unnamed'})`,
  );
}

export function resourcesCreated(input: CheckInput): Verdict {
  const s = input.snapshot;
  const present: Array<[string, Array<{ metadata?: { name?: string } }>]> = [
    ['Deployment', s.deployment ? [s.deployment] : []],
    ['Service', s.services],
    ['ConfigMap', s.configMaps],
    ['ServiceAccount', s.serviceAccounts],
    ['HorizontalPodAutoscaler', s.hpas],
    ['PodDisruptionBudget', s.pdbs],
  ];
  const missing = present
    .filter(([, items]) => items.length === 0)
    .map(([k]) => k);
  const found = present
    .filter(([, items]) => items.length > 0)
    .map(([k, items]) => `${k}/${nameOf(items[0])}`);
  if (missing.length > 0) {
    return fail(
      `missing: ${missing.join(', ')}${
        found.length ? `; present: ${found.join(', ')}` : ''
      }`,
    );
  }
  return pass(`present: ${found.join(', ')}`);
}

export function servicesAccessible(input: CheckInput): Verdict {
  const services = input.snapshot.services;
  if (services.length === 0)
    return fail(`no Service labelled ${input.selector.description}`);
  const slices = input.cache.list('EndpointSlice');
  const parts = services.map(svc => {
    const name = nameOf(svc);
    const ready = slices
      .filter(
        sl => sl.metadata?.labels?.['kubernetes.io/service-name'] === name,
      )
      .flatMap(sl => sl.endpoints ?? [])
      .filter(e => e.conditions?.ready !== false).length;
    return { name, ready };
  });
  const empty = parts.filter(p => p.ready === 0);
  const words = parts
    .map(p => `Service/${p.name} has ${p.ready} ready endpoint(s)`)
    .join('; ');
  return empty.length > 0 ? fail(words) : pass(words);
}

export function monitoringOperational(input: CheckInput): Verdict {
  const p = input.signals.prometheus;
  if (!p.configured)
    return unknown('environments.prometheus.url is not configured');
  // Prometheus not answering IS the evidence here: the monitoring stack is down.
  return p.ready ? pass(p.readyDetail) : fail(p.readyDetail);
}

export function resourceLimits(input: CheckInput): Verdict {
  const spec = podSpec(input);
  if (!spec) return noDeployment(input);
  const gaps: string[] = [];
  for (const c of allContainers(spec)) {
    const missing = [
      ['requests.cpu', c.resources?.requests?.cpu],
      ['requests.memory', c.resources?.requests?.memory],
      ['limits.cpu', c.resources?.limits?.cpu],
      ['limits.memory', c.resources?.limits?.memory],
    ]
      .filter(([, v]) => v === undefined)
      .map(([k]) => k);
    if (missing.length) gaps.push(`${c.name}: no ${missing.join(', ')}`);
  }
  if (gaps.length) return fail(gaps.join('; '));
  return pass(
    `${
      allContainers(spec).length
    } container(s) set cpu and memory requests and limits`,
  );
}

export function rbac(input: CheckInput): Verdict {
  const spec = podSpec(input);
  if (!spec) return noDeployment(input);
  const saName = spec.serviceAccountName ?? spec.serviceAccount ?? 'default';
  const problems: string[] = [];
  const sa = input.cache.get('ServiceAccount', saName);
  if (saName === 'default')
    problems.push('pods run as the namespace default ServiceAccount');
  else if (!sa) problems.push(`ServiceAccount ${saName} does not exist`);
  const bindings = input.cache
    .list('RoleBinding')
    .filter(rb =>
      (rb.subjects ?? []).some(
        s =>
          s.kind === 'ServiceAccount' &&
          s.name === saName &&
          (s.namespace ?? input.namespace) === input.namespace,
      ),
    );
  const roles = bindings
    .filter(rb => rb.roleRef?.kind === 'Role')
    .map(rb => rb.roleRef.name)
    .filter(name => input.cache.get('Role', name));
  if (bindings.length === 0)
    problems.push(`no RoleBinding names ServiceAccount ${saName}`);
  else if (roles.length === 0)
    problems.push(
      `RoleBinding(s) ${bindings.map(nameOf).join(', ')} bind no existing Role`,
    );
  const automount =
    spec.automountServiceAccountToken ?? sa?.automountServiceAccountToken;
  if (automount !== false)
    problems.push(
      'the API token is mounted into the pods (automountServiceAccountToken is not false)',
    );
  if (problems.length) return fail(problems.join('; '));
  return pass(
    `ServiceAccount ${saName} bound to Role ${roles.join(
      ', ',
    )}; token automount off`,
  );
}

export function secretsManaged(input: CheckInput): Verdict {
  const spec = podSpec(input);
  if (!spec) return noDeployment(input);
  const literal: string[] = [];
  let references = 0;
  for (const c of allContainers(spec)) {
    for (const e of c.env ?? []) {
      if (e.valueFrom?.secretKeyRef) references++;
      // Names only: the value itself must never appear in an answer.
      else if (e.value !== undefined && SECRET_LIKE_NAME.test(e.name))
        literal.push(`${c.name}.${e.name}`);
    }
    references += (c.envFrom ?? []).filter(f => f.secretRef).length;
  }
  references += (spec.volumes ?? []).filter(
    v => v.secret || v.projected?.sources?.some(source => source.secret),
  ).length;
  if (literal.length) {
    return fail(
      `secret-looking environment variables set as literal values: ${literal.join(
        ', ',
      )}`,
    );
  }
  return pass(
    references
      ? `${references} secret reference(s) through secretKeyRef, envFrom or volumes; no secret-looking literal env values`
      : 'no secrets used and no secret-looking literal env values',
  );
}

export function networkPolicies(input: CheckInput): Verdict {
  const d = input.snapshot.deployment;
  if (!d) return noDeployment(input);
  const podLabels = d.spec?.template?.metadata?.labels ?? {};
  const selecting = input.cache
    .list('NetworkPolicy')
    .filter(np => matcherFromLabelSelector(np.spec?.podSelector)(podLabels))
    .map(nameOf);
  if (selecting.length === 0)
    return fail(
      `no NetworkPolicy in ${input.namespace} selects the pods of ${nameOf(d)}`,
    );
  return pass(`NetworkPolicy ${selecting.join(', ')} selects the pods`);
}

export function nonRoot(input: CheckInput): Verdict {
  const spec = podSpec(input);
  if (!spec) return noDeployment(input);
  const pod = spec.securityContext ?? {};
  const problems: string[] = [];
  for (const c of allContainers(spec)) {
    const sc = c.securityContext ?? {};
    const runAsNonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
    const runAsUser = sc.runAsUser ?? pod.runAsUser;
    if (runAsUser === 0) problems.push(`${c.name} runs as user 0`);
    else if (
      runAsNonRoot !== true &&
      !(runAsUser !== undefined && runAsUser > 0)
    )
      problems.push(
        `${c.name} sets neither runAsNonRoot nor a non-zero runAsUser`,
      );
    if (sc.allowPrivilegeEscalation !== false)
      problems.push(`${c.name} allows privilege escalation`);
    if (sc.privileged) problems.push(`${c.name} is privileged`);
  }
  if (problems.length) return fail(problems.join('; '));
  return pass(
    `${
      allContainers(spec).length
    } container(s) run as non-root without privilege escalation`,
  );
}

export function grafanaDashboards(input: CheckInput): Verdict {
  const dashboards = input.snapshot.configMaps.filter(
    cm => cm.metadata?.labels?.grafana_dashboard !== undefined,
  );
  if (dashboards.length === 0) {
    return fail(
      `no ConfigMap labelled ${input.selector.description} carries the grafana_dashboard label`,
    );
  }
  return pass(`dashboard ConfigMap ${dashboards.map(nameOf).join(', ')}`);
}

export function alertsConfigured(input: CheckInput): Verdict {
  if (input.cache.has('PrometheusRule')) {
    const rules = input.cache
      .list('PrometheusRule')
      .filter(r => input.selector.matches(r.metadata?.labels));
    if (rules.length)
      return pass(`PrometheusRule ${rules.map(nameOf).join(', ')}`);
  }
  // Without the CRD (or without a matching object) the rules may be loaded as files: ask Prometheus.
  const p = input.signals.prometheus;
  const crd = input.cache.has('PrometheusRule')
    ? 'no matching PrometheusRule'
    : 'the PrometheusRule CRD is not installed';
  if (!p.configured)
    return unknown(`${crd}, and environments.prometheus.url is not configured`);
  if (!p.alertRules)
    return unknown(
      `${crd}, and Prometheus rules could not be read: ${
        p.error ?? p.readyDetail
      }`,
    );
  if (p.alertRules.length === 0) {
    return fail(
      `${crd}, and Prometheus has no alert rule labelled namespace="${input.namespace}", service="${p.service}"`,
    );
  }
  return pass(
    `${p.alertRules.length} alert rule(s) loaded in Prometheus (${p.alertRules
      .slice(0, 3)
      .join(', ')}${p.alertRules.length > 3 ? ', ...' : ''})`,
  );
}

export function logsCollected(input: CheckInput): Verdict {
  const logs = input.signals.logs;
  if (!logs.readable) return unknown(`logs not readable: ${logs.reason}`);
  if (logs.lines === 0)
    return unknown(
      `the API server returned no log line from ${logs.pods} pod(s)`,
    );
  return pass(
    `read ${logs.lines} recent log line(s) from ${logs.pods} pod(s) through the API server`,
  );
}

/** Item id → check. Ids are those of CHECKLIST in environments-common. */
export const CHECKS: Record<string, (input: CheckInput) => Verdict> = {
  'pods-ready': podsReady,
  'health-endpoints': healthEndpoints,
  'logs-no-errors': logsNoErrors,
  'metrics-collected': metricsCollected,
  'resources-created': resourcesCreated,
  'services-accessible': servicesAccessible,
  'monitoring-operational': monitoringOperational,
  'resource-limits': resourceLimits,
  rbac,
  'secrets-managed': secretsManaged,
  'network-policies': networkPolicies,
  'non-root': nonRoot,
  'prometheus-targets': prometheusTargets,
  'grafana-dashboards': grafanaDashboards,
  'alerts-configured': alertsConfigured,
  'logs-collected': logsCollected,
};
