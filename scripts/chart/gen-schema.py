#!/usr/bin/env python3
"""Writes charts/express-service/values.schema.json (draft-07). Run after changing values.yaml;
45-chart.sh fails when the committed schema differs from what this prints."""
import json
import sys
from pathlib import Path

def obj(props, required=None, extra=False, desc=None):
    o = {"type": "object", "additionalProperties": extra, "properties": props}
    if required:
        o["required"] = required
    if desc:
        o["description"] = desc
    return o

def string(desc, **kw):
    return {"type": "string", "description": desc, **kw}

def boolean(desc):
    return {"type": "boolean", "description": desc}

def integer(desc, minimum=None, maximum=None):
    o = {"type": "integer", "description": desc}
    if minimum is not None:
        o["minimum"] = minimum
    if maximum is not None:
        o["maximum"] = maximum
    return o

def number(desc, **kw):
    return {"type": "number", "description": desc, **kw}

def free_map(desc, value_type="string"):
    return {"type": "object", "description": desc, "additionalProperties": {"type": value_type}}

def free_list(desc):
    return {"type": "array", "description": desc, "items": {"type": "object"}}

DNS_LABEL = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
QUANTITY_CPU = r"^([0-9]+m|[0-9]+(\.[0-9]+)?)$"
QUANTITY_MEM = r"^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|K|M|G|T)?$"
DURATION = r"^([0-9]+(ms|s|m|h))+$"
CRD_MODE = {"type": "string", "enum": ["auto", "always", "never"],
            "description": "auto: render when the cluster serves the API; always; never"}
INT_OR_PERCENT = {"oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "pattern": r"^[0-9]+%$"}]}

def resources(desc):
    pair = lambda: obj({"cpu": string("CPU quantity, e.g. 100m", pattern=QUANTITY_CPU),
                        "memory": string("memory quantity, e.g. 128Mi", pattern=QUANTITY_MEM),
                        "ephemeral-storage": string("storage quantity", pattern=QUANTITY_MEM)},
                       required=["cpu", "memory"])
    return obj({"requests": pair(), "limits": pair()}, required=["requests", "limits"], desc=desc)

def probe(desc):
    return obj({"initialDelaySeconds": integer("seconds before the first probe", 0),
                "periodSeconds": integer("seconds between probes", 1),
                "timeoutSeconds": integer("probe timeout in seconds", 1),
                "failureThreshold": integer("failures before acting", 1),
                "successThreshold": integer("successes to be ready again", 1)}, desc=desc)

ns_peer = lambda desc: obj({"namespace": string("namespace name", pattern=DNS_LABEL),
                            "podLabels": free_map("pod labels to narrow to")}, required=["namespace"], desc=desc)

schema = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "express-service values",
    **obj({
        "global": {"type": "object", "description": "Helm global values (unused by this chart)"},
        "nameOverride": string("overrides the chart name", maxLength=63),
        "fullnameOverride": string("overrides the full name", maxLength=63),
        "backstageId": string("backstage.io/kubernetes-id label value", maxLength=63,
                              pattern=r"^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$"),
        "partOf": string("app.kubernetes.io/part-of label value", maxLength=63),
        "commonLabels": free_map("labels on every object"),
        "replicaCount": integer("pods when autoscaling is off", 1),
        "revisionHistoryLimit": integer("old ReplicaSets kept", 0),
        "image": obj({
            "repository": string("image repository without tag", minLength=1, pattern=r"^[^:@\s]+(:[0-9]+/[^:@\s]+)?$"),
            "tag": string("image tag; empty: appVersion", pattern=r"^([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$"),
            "digest": string("image digest, wins over the tag", pattern=r"^(sha256:[a-f0-9]{64})?$"),
            "pullPolicy": {"type": "string", "enum": ["", "Always", "IfNotPresent", "Never"],
                           "description": "image pull policy; empty: Always for a tag, IfNotPresent for a digest"},
        }, required=["repository", "pullPolicy"]),
        "imagePullSecrets": {"type": "array", "description": "names of existing docker-registry Secrets",
                             "items": obj({"name": string("Secret name", pattern=r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")},
                                          required=["name"])},
        "serviceAccount": obj({
            "create": boolean("create a ServiceAccount"),
            "name": string("ServiceAccount name"),
            "awsRoleArn": string("IAM role ARN for IRSA",
                                 pattern=r"^(arn:aws[a-zA-Z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+)?$"),
            "annotations": free_map("ServiceAccount annotations"),
        }, required=["create"]),
        "rbac": obj({"create": boolean("create Role and RoleBinding"),
                     "extraRules": free_list("extra Role rules")}, required=["create"]),
        "deploymentAnnotations": free_map("Deployment annotations"),
        "podAnnotations": free_map("pod annotations"),
        "podLabels": free_map("extra pod labels"),
        "podSecurityContext": {
            "type": "object", "description": "pod securityContext (must pass Pod Security restricted)",
            "required": ["runAsNonRoot", "seccompProfile"],
            "properties": {
                "runAsNonRoot": {"const": True, "description": "must be true"},
                "runAsUser": integer("numeric non-root user", 1),
                "runAsGroup": integer("numeric group", 1),
                "fsGroup": integer("fsGroup", 1),
                "seccompProfile": obj({"type": {"enum": ["RuntimeDefault", "Localhost"]},
                                       "localhostProfile": {"type": "string"}}, required=["type"]),
            }},
        "securityContext": {
            "type": "object", "description": "container securityContext (must pass Pod Security restricted)",
            "required": ["allowPrivilegeEscalation", "readOnlyRootFilesystem", "capabilities", "runAsNonRoot"],
            "properties": {
                "runAsNonRoot": {"const": True, "description": "must be true"},
                "runAsUser": integer("numeric non-root user", 1),
                "runAsGroup": integer("numeric group", 1),
                "allowPrivilegeEscalation": {"const": False, "description": "must be false"},
                "readOnlyRootFilesystem": {"const": True, "description": "must be true"},
                "privileged": {"const": False, "description": "must be false"},
                "capabilities": obj({"drop": {"type": "array", "contains": {"const": "ALL"},
                                              "description": "must drop ALL"},
                                     "add": {"type": "array", "items": {"const": "NET_BIND_SERVICE"},
                                             "description": "only NET_BIND_SERVICE may be added"}},
                                    required=["drop"]),
                "seccompProfile": obj({"type": {"enum": ["RuntimeDefault", "Localhost"]},
                                       "localhostProfile": {"type": "string"}}, required=["type"]),
            }},
        "tmpSizeLimit": string("size limit of /tmp", pattern=QUANTITY_MEM),
        "config": obj({
            "logLevel": {"type": "string", "enum": ["fatal", "error", "warn", "info", "debug", "trace", "silent"],
                         "description": "LOG_LEVEL"},
            "appPort": integer("APP_PORT (container port)", 1024, 65535),
            "apiBaseUrl": string("API_BASE_URL: an http(s) URL, or empty", pattern=r"^(https?://[^\s/]+(/\S*)?)?$"),
            "extraEnv": {"type": "object", "description": "extra non-secret env (NAME: value)",
                         "propertyNames": {"pattern": r"^[A-Z_][A-Z0-9_]*$",
                                           # secrets belong in secrets.*, not in a ConfigMap
                                           "not": {"pattern": "(PASSWORD|PASSWD|TOKEN$|CREDENTIAL|PRIVATE_KEY|API_KEY|SECRET_KEY|ACCESS_KEY|SECRET$)"}},
                         "additionalProperties": {"type": ["string", "number", "boolean"]}},
        }, required=["logLevel", "appPort", "apiBaseUrl"]),
        "shutdown": obj({
            "preStopSleepSeconds": integer("preStop sleep", 0, 120),
            "drainDelaySeconds": integer("SHUTDOWN_DELAY_SECONDS", 0, 120),
            "timeoutSeconds": integer("SHUTDOWN_TIMEOUT_SECONDS", 1, 600),
            "marginSeconds": integer("grace period slack", 0, 60),
            "terminationGracePeriodSeconds": integer("explicit grace period; 0: computed", 0, 3600),
        }, required=["preStopSleepSeconds", "drainDelaySeconds", "timeoutSeconds", "marginSeconds"]),
        "secrets": obj({
            "existingSecret": string("existing Secret", pattern=r"^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$"),
            "apiTokenKey": string("Secret key holding the API token", pattern=r"^([-._a-zA-Z0-9]+)?$"),
            "asEnv": boolean("expose keys as env vars too"),
            "externalSecret": obj({
                "enabled": boolean("render an ExternalSecret"),
                "targetName": string("Secret it creates"),
                "refreshInterval": string("refresh interval", pattern=DURATION),
                "secretStoreRef": obj({"name": string("store name"),
                                       "kind": {"enum": ["SecretStore", "ClusterSecretStore"]}}, required=["kind"]),
                "data": {"type": "array", "description": "keys to copy", "items": obj({
                    "secretKey": string("env var name", pattern=r"^[A-Z_][A-Z0-9_]*$"),
                    "remoteRef": obj({"key": string("remote key", minLength=1), "property": string("JSON property"),
                                      "version": string("version")}, required=["key"]),
                }, required=["secretKey", "remoteRef"])},
                "dataFrom": free_list("ExternalSecret dataFrom entries"),
            }, required=["enabled"]),
        }),
        "service": obj({"type": {"enum": ["ClusterIP", "NodePort", "LoadBalancer"], "description": "Service type"},
                        "port": integer("Service port", 1, 65535),
                        "annotations": free_map("Service annotations")}, required=["type", "port"]),
        "ingress": obj({
            "enabled": boolean("create an Ingress"),
            "className": string("IngressClass"),
            "annotations": free_map("Ingress annotations"),
            "hosts": {"type": "array", "items": obj({
                "host": string("host name", minLength=1),
                "paths": {"type": "array", "minItems": 1, "items": obj({
                    "path": string("path", pattern="^/"),
                    "pathType": {"enum": ["Prefix", "Exact", "ImplementationSpecific"]}}, required=["path", "pathType"])},
            }, required=["host", "paths"])},
            "tls": {"type": "array", "items": obj({"secretName": string("TLS Secret", minLength=1),
                                                    "hosts": {"type": "array", "items": {"type": "string"}}},
                                                   required=["secretName", "hosts"])},
        }, required=["enabled"]),
        "resources": resources("container resources: requests and limits for cpu and memory are required"),
        "probes": obj({"startup": probe("startup probe"), "liveness": probe("liveness probe"),
                       "readiness": probe("readiness probe")}, required=["startup", "liveness", "readiness"]),
        "rollingUpdate": obj({"maxSurge": {**INT_OR_PERCENT, "description": "surge pods"}}, required=["maxSurge"]),
        "autoscaling": obj({
            "enabled": boolean("create an HPA"),
            "minReplicas": integer("fewest pods", 1),
            "maxReplicas": integer("most pods", 1),
            "targetCPUUtilizationPercentage": integer("CPU target %", 1, 100),
            "targetMemoryUtilizationPercentage": integer("memory target %", 1, 100),
            "behavior": {"type": "object", "description": "HPA behavior"},
        }, required=["enabled", "minReplicas", "maxReplicas"]),
        "podDisruptionBudget": obj({
            "enabled": boolean("create a PDB"),
            "minAvailable": {**INT_OR_PERCENT, "description": "pods kept available"},
            "maxUnavailable": {"oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "pattern": r"^([0-9]+%?)?$"}],
                               "description": "alternative to minAvailable"},
        }, required=["enabled"]),
        "topologySpread": obj({"enabled": boolean("spread over zones and nodes"),
                               "maxSkew": integer("max skew", 1),
                               "whenUnsatisfiable": {"enum": ["ScheduleAnyway", "DoNotSchedule"]}}, required=["enabled"]),
        "podAntiAffinity": {"enum": ["soft", "hard"], "description": "generated anti-affinity"},
        "affinity": {"type": "object", "description": "full affinity, replaces the generated one"},
        "nodeSelector": free_map("node selector"),
        "tolerations": free_list("tolerations"),
        "priorityClassName": string("PriorityClass"),
        "extraVolumes": free_list("extra volumes"),
        "extraVolumeMounts": free_list("extra volume mounts"),
        "networkPolicy": obj({
            "enabled": boolean("create the NetworkPolicy"),
            "ingressController": ns_peer("ingress controller"),
            "monitoring": ns_peer("Prometheus"),
            "dns": ns_peer("cluster DNS"),
            "api": obj({"to": free_list("NetworkPolicy peers of the API")}),
            "extraIngress": free_list("extra ingress rules"),
            "extraEgress": free_list("extra egress rules"),
        }, required=["enabled"]),
        "metrics": obj({
            "serviceMonitor": obj({"create": CRD_MODE, "labels": free_map("extra labels"),
                                   "interval": string("scrape interval", pattern=DURATION),
                                   "scrapeTimeout": string("scrape timeout", pattern=DURATION)}, required=["create"]),
            "prometheusRule": obj({
                "create": CRD_MODE, "labels": free_map("extra labels"),
                "for": string("alert pending duration", pattern=DURATION),
                "thresholds": obj({
                    "errorRate": number("5xx share", exclusiveMinimum=0, maximum=1),
                    "latencyP95Seconds": number("p95 seconds", exclusiveMinimum=0),
                    "successRate": number("success share", exclusiveMinimum=0, maximum=1),
                    "podRestarts": integer("restarts", 0),
                    "cpuLimitRatio": number("CPU share of limit", exclusiveMinimum=0, maximum=1),
                    "memoryLimitRatio": number("memory share of limit", exclusiveMinimum=0, maximum=1),
                }, required=["errorRate", "latencyP95Seconds", "successRate", "podRestarts", "cpuLimitRatio",
                             "memoryLimitRatio"]),
            }, required=["create"]),
            "dashboard": obj({"enabled": boolean("create the dashboard ConfigMap"),
                              "namespace": string("namespace for it"), "folder": string("Grafana folder")},
                             required=["enabled"]),
        }),
        "tests": obj({"enabled": boolean("render the helm test pod"),
                      "resources": resources("test pod resources")}, required=["enabled"]),
    }, required=["image", "replicaCount", "resources", "config", "securityContext", "podSecurityContext"]),
}

out = json.dumps(schema, indent=2) + "\n"
target = Path(__file__).resolve().parents[2] / "charts/express-service/values.schema.json"
if len(sys.argv) > 1 and sys.argv[1] == "--check":
    sys.exit(0 if target.read_text() == out else 1)
target.write_text(out)
