{{/*
The seed's alerting rules as Prometheus rule groups. Series carry the labels a ServiceMonitor scrape
gives (namespace, service, job, pod); cAdvisor and kube-state-metrics series carry namespace, pod,
container. Thresholds come from values.metrics.prometheusRule.thresholds.
*/}}
{{- define "express-service.alertRuleGroups" -}}
{{- $pr := .Values.metrics.prometheusRule }}
{{- $t := $pr.thresholds }}
{{- $fullname := include "express-service.fullname" . }}
{{- $sel := printf "namespace=%q, service=%q" .Release.Namespace $fullname }}
{{- $podSel := printf "namespace=%q, pod=~%q, container=%q" .Release.Namespace (printf "%s-[a-z0-9]+-[a-z0-9]+" $fullname) .Chart.Name }}
{{- $labels := dict "namespace" .Release.Namespace "service" $fullname }}
groups:
  - name: {{ $fullname }}.{{ .Release.Namespace }}.application
    rules:
      - alert: ExpressServiceHighErrorRate
        expr: |-
          sum(rate(http_requests_total{ {{- $sel }}, status_code=~"5.."}[5m]))
            / sum(rate(http_requests_total{ {{- $sel }}}[5m])) > {{ $t.errorRate }}
        for: {{ $pr.for }}
        labels:
          severity: critical
          {{- toYaml $labels | nindent 10 }}
        annotations:
          summary: {{ printf "%s in %s: more than %v%% of requests fail with 5xx" $fullname .Release.Namespace (mulf $t.errorRate 100) | quote }}
          description: "Error rate is {{ "{{" }} $value | humanizePercentage {{ "}}" }} over 5 minutes."
      - alert: ExpressServiceHighLatencyP95
        expr: |-
          histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{ {{- $sel }}}[5m]))) > {{ $t.latencyP95Seconds }}
        for: {{ $pr.for }}
        labels:
          severity: warning
          {{- toYaml $labels | nindent 10 }}
        annotations:
          summary: {{ printf "%s in %s: p95 latency above %vs" $fullname .Release.Namespace $t.latencyP95Seconds | quote }}
          description: "p95 latency is {{ "{{" }} $value | humanizeDuration {{ "}}" }}."
      - alert: ExpressServiceLowSuccessRate
        expr: |-
          sum(rate(http_requests_total{ {{- $sel }}, status_code!~"5.."}[5m]))
            / sum(rate(http_requests_total{ {{- $sel }}}[5m])) < {{ $t.successRate }}
        for: {{ $pr.for }}
        labels:
          severity: warning
          {{- toYaml $labels | nindent 10 }}
        annotations:
          summary: {{ printf "%s in %s: success rate below %v%%" $fullname .Release.Namespace (mulf $t.successRate 100) | quote }}
          description: "Success rate is {{ "{{" }} $value | humanizePercentage {{ "}}" }} over 5 minutes."
  - name: {{ $fullname }}.{{ .Release.Namespace }}.infrastructure
    rules:
      - alert: ExpressServicePodRestarts
        expr: |-
          max by (namespace, pod) (kube_pod_container_status_restarts_total{ {{- $podSel }}}) > {{ $t.podRestarts }}
        for: 1m
        labels:
          severity: warning
          {{- toYaml $labels | nindent 10 }}
        annotations:
          summary: {{ printf "%s in %s: a pod restarted more than %v times" $fullname .Release.Namespace $t.podRestarts | quote }}
          description: "Pod {{ "{{" }} $labels.pod {{ "}}" }} has restarted {{ "{{" }} $value {{ "}}" }} times."
      - alert: ExpressServiceHighCPU
        expr: |-
          sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{ {{- $podSel }}}[5m]))
            / sum by (namespace, pod) (kube_pod_container_resource_limits{ {{- $podSel }}, resource="cpu"}) > {{ $t.cpuLimitRatio }}
        for: {{ $pr.for }}
        labels:
          severity: warning
          {{- toYaml $labels | nindent 10 }}
        annotations:
          summary: {{ printf "%s in %s: CPU above %v%% of its limit" $fullname .Release.Namespace (mulf $t.cpuLimitRatio 100) | quote }}
          description: "Pod {{ "{{" }} $labels.pod {{ "}}" }} uses {{ "{{" }} $value | humanizePercentage {{ "}}" }} of its CPU limit."
      - alert: ExpressServiceHighMemory
        expr: |-
          sum by (namespace, pod) (container_memory_working_set_bytes{ {{- $podSel }}})
            / sum by (namespace, pod) (kube_pod_container_resource_limits{ {{- $podSel }}, resource="memory"}) > {{ $t.memoryLimitRatio }}
        for: {{ $pr.for }}
        labels:
          severity: warning
          {{- toYaml $labels | nindent 10 }}
        annotations:
          summary: {{ printf "%s in %s: memory above %v%% of its limit" $fullname .Release.Namespace (mulf $t.memoryLimitRatio 100) | quote }}
          description: "Pod {{ "{{" }} $labels.pod {{ "}}" }} uses {{ "{{" }} $value | humanizePercentage {{ "}}" }} of its memory limit."
{{- end }}
