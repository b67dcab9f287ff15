{{/*
Chart name, cut at 63 characters (the DNS label limit some name fields are held to).
*/}}
{{- define "express-service.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name, cut at 63 characters. If the release name already contains the chart
name it is used as is, so `helm install express-service .` gives "express-service", not a doubled name.
*/}}
{{- define "express-service.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version for the helm.sh/chart label.
*/}}
{{- define "express-service.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The id Backstage's Kubernetes plugin (and the environments plugin) match with the entity's
backstage.io/kubernetes-id annotation.
*/}}
{{- define "express-service.backstageId" -}}
{{- default (include "express-service.fullname" .) .Values.backstageId | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The version the workload runs: the image tag, else the chart's appVersion. A digest-only image keeps
the tag (or appVersion) as its human-readable version.
*/}}
{{- define "express-service.version" -}}
{{- default .Chart.AppVersion .Values.image.tag | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels for every object. Selector labels are kept apart (below) because a Deployment's selector
is immutable; these may change between releases.
*/}}
{{- define "express-service.labels" -}}
helm.sh/chart: {{ include "express-service.chart" . }}
{{ include "express-service.selectorLabels" . }}
app.kubernetes.io/version: {{ include "express-service.version" . | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.partOf }}
app.kubernetes.io/part-of: {{ . }}
{{- end }}
backstage.io/kubernetes-id: {{ include "express-service.backstageId" . }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Selector labels: the server pods only (the helm test pod carries component "test").
*/}}
{{- define "express-service.selectorLabels" -}}
app.kubernetes.io/name: {{ include "express-service.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: server
{{- end }}

{{/*
ServiceAccount name.
*/}}
{{- define "express-service.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "express-service.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Image reference: repository:tag, or repository@digest when a digest is set (the digest wins, so a
promotion that pins the exact artifact cannot be undone by a tag).
*/}}
{{- define "express-service.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
Name of the Secret the pods read their sensitive env from, or empty when there is none.
*/}}
{{- define "express-service.secretName" -}}
{{- if .Values.secrets.existingSecret }}
{{- .Values.secrets.existingSecret }}
{{- else if .Values.secrets.externalSecret.enabled }}
{{- default (printf "%s-secrets" (include "express-service.fullname" .)) .Values.secrets.externalSecret.targetName }}
{{- end }}
{{- end }}

{{/*
Whether to render an object of a CRD kind: `mode` is "auto" (render when the cluster serves the API,
as seen by .Capabilities), "always" (render anyway, e.g. for GitOps or `helm template`) or "never".
Usage: include "express-service.crdEnabled" (dict "ctx" $ "mode" .Values.x.mode "api" "group/version/Kind")
Returns "true" or "".
*/}}
{{- define "express-service.crdEnabled" -}}
{{- if eq .mode "always" }}true
{{- else if and (eq .mode "auto") (.ctx.Capabilities.APIVersions.Has .api) }}true
{{- end }}
{{- end }}

{{/*
Port the API at config.apiBaseUrl listens on: explicit port, else 443 for https and 80 for http.
*/}}
{{- define "express-service.apiPort" -}}
{{- $url := urlParse (default "http://unset" .Values.config.apiBaseUrl) }}
{{- $hostParts := splitList ":" $url.host }}
{{- if gt (len $hostParts) 1 }}{{ last $hostParts }}
{{- else if eq $url.scheme "https" }}443
{{- else }}80
{{- end }}
{{- end }}

{{/*
Grace period: preStop sleep + the service's shutdown timeout (its hard cap from SIGTERM to exit,
which includes the drain delay) + a margin, so the kubelet never SIGKILLs a pod that is still
finishing requests. An explicit value wins but may not be shorter.
*/}}
{{- define "express-service.terminationGracePeriodSeconds" -}}
{{- $s := .Values.shutdown }}
{{- $needed := add $s.preStopSleepSeconds $s.timeoutSeconds }}
{{- if le (int $s.timeoutSeconds) (int $s.drainDelaySeconds) }}
{{- fail (printf "shutdown.timeoutSeconds (%v) must be greater than shutdown.drainDelaySeconds (%v): the service refuses to start otherwise" $s.timeoutSeconds $s.drainDelaySeconds) }}
{{- end }}
{{- if $s.terminationGracePeriodSeconds }}
{{- if lt (int $s.terminationGracePeriodSeconds) (int $needed) }}
{{- fail (printf "shutdown.terminationGracePeriodSeconds (%v) is shorter than preStopSleepSeconds + timeoutSeconds (%v): pods would be killed mid-drain" $s.terminationGracePeriodSeconds $needed) }}
{{- end }}
{{- $s.terminationGracePeriodSeconds }}
{{- else }}{{ add $needed $s.marginSeconds }}
{{- end }}
{{- end }}

{{/*
Directory where the secret's keys are mounted as files (read-only).
*/}}
{{- define "express-service.secretMountPath" -}}/var/run/secrets/app{{- end }}

{{/*
Pull policy: the configured one, else Always for a tag (re-checks the registry and the pod's pull
credentials on every start) and IfNotPresent for a digest (immutable, nothing to re-check).
*/}}
{{- define "express-service.imagePullPolicy" -}}
{{- if .Values.image.pullPolicy }}{{ .Values.image.pullPolicy }}
{{- else if .Values.image.digest }}IfNotPresent
{{- else }}Always
{{- end }}
{{- end }}
