#!/usr/bin/env python3
"""Render assertions for charts/express-service: renders the chart with helm and checks what a user
(or the portal) relies on. Usage: test_render.py CHART_DIR. Prints 'N passed, N failed'."""
import json
import subprocess
import sys
import traceback

import yaml

CHART = sys.argv[1]
MONITORING_APIS = ["monitoring.coreos.com/v1/ServiceMonitor", "monitoring.coreos.com/v1/PrometheusRule"]


def render(*args, release="express-service", namespace="dev", apis=(), kube="1.33.0"):
    cmd = ["helm", "template", release, CHART, "--namespace", namespace, "--kube-version", kube]
    for api in apis:
        cmd += ["--api-versions", api]
    cmd += list(args)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [d for d in yaml.safe_load_all(out) if d]


def env_values(env):
    return ["-f", f"{CHART}/values-{env}.yaml"]


def one(docs, kind, name=None):
    found = [d for d in docs if d["kind"] == kind and (name is None or d["metadata"]["name"] == name)]
    assert len(found) == 1, f"expected one {kind} {name or ''}, got {len(found)}"
    return found[0]


def kinds(docs):
    return sorted(d["kind"] for d in docs)


TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


@test
def every_object_carries_portal_and_standard_labels():
    for env in ("dev", "staging", "prod"):
        docs = render(*env_values(env), "-f", f"{CHART}/ci/{env}-values.yaml", namespace=env, apis=MONITORING_APIS)
        for d in docs:
            labels = d["metadata"].get("labels", {})
            where = f'{env} {d["kind"]}/{d["metadata"]["name"]}'
            assert labels.get("backstage.io/kubernetes-id") == "express-service", where
            for key in ("app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
                        "app.kubernetes.io/managed-by", "helm.sh/chart"):
                assert labels.get(key), f"{where} lacks {key}"
            assert d["metadata"].get("namespace") == (
                "monitoring" if env == "prod" and d["kind"] == "ConfigMap" and d["metadata"]["name"].endswith("-dashboard")
                else env), where
        pod_labels = one(docs, "Deployment")["spec"]["template"]["metadata"]["labels"]
        assert pod_labels["backstage.io/kubernetes-id"] == "express-service"
        assert pod_labels["app.kubernetes.io/version"]


@test
def backstage_id_and_version_follow_values():
    docs = render("--set", "backstageId=orders-api", "--set", "image.tag=1.2.0")
    dep = one(docs, "Deployment")
    for labels in (dep["metadata"]["labels"], dep["spec"]["template"]["metadata"]["labels"]):
        assert labels["backstage.io/kubernetes-id"] == "orders-api"
        assert labels["app.kubernetes.io/version"] == "1.2.0"
    assert dep["spec"]["template"]["spec"]["containers"][0]["image"].endswith(":1.2.0")
    assert one(docs, "ConfigMap", "express-service")["data"]["APP_VERSION"] == "1.2.0"


@test
def names_are_cut_at_63_characters():
    release = "a-long-release-name-for-the-orders-team-in-region-eu"  # 52 of helm's 53
    docs = render(release=release)
    for d in docs:
        for v in d["metadata"]["labels"].values():
            assert len(v) <= 63, v
    fullname = f"{release}-express-service"[:63].rstrip("-")
    assert len(f"{release}-express-service") > 63 >= len(fullname)
    assert one(docs, "Deployment")["metadata"]["name"] == fullname
    assert one(docs, "Service")["metadata"]["name"] == fullname
    assert one(docs, "Deployment")["metadata"]["labels"]["backstage.io/kubernetes-id"] == fullname


@test
def image_tag_defaults_to_app_version_and_digest_wins():
    app_version = yaml.safe_load(open(f"{CHART}/Chart.yaml"))["appVersion"]
    image = one(render(), "Deployment")["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image.endswith(f":{app_version}"), image
    digest = "sha256:" + "a" * 64
    image = one(render("--set", "image.tag=2.0.0", "--set", f"image.digest={digest}"),
                "Deployment")["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image.endswith("@" + digest) and ":2.0.0" not in image, image


@test
def deployment_rolls_out_without_unavailable_pods_and_probes_the_health_endpoints():
    dep = one(render(), "Deployment")
    assert dep["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    c = dep["spec"]["template"]["spec"]["containers"][0]
    assert c["livenessProbe"]["httpGet"]["path"] == "/health/live"
    assert c["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert c["startupProbe"]["httpGet"]["path"] == "/health/live"
    assert c["ports"][0]["containerPort"] == 8080


@test
def shutdown_timing_matches_the_service():
    spec = one(render(), "Deployment")["spec"]["template"]["spec"]
    c = spec["containers"][0]
    assert c["lifecycle"]["preStop"]["sleep"]["seconds"] == 5
    # preStop 5 + SHUTDOWN_TIMEOUT_SECONDS 20 (its hard cap, drain delay included) + margin 5
    assert spec["terminationGracePeriodSeconds"] == 30
    cm = one(render(), "ConfigMap", "express-service")["data"]
    assert cm["SHUTDOWN_DELAY_SECONDS"] == "5" and cm["SHUTDOWN_TIMEOUT_SECONDS"] == "20"
    old = one(render(kube="1.29.0"), "Deployment")["spec"]["template"]["spec"]["containers"][0]
    assert old["lifecycle"]["preStop"]["exec"]["command"] == ["sleep", "5"]


@test
def pods_pass_pod_security_restricted():
    spec = one(render(), "Deployment")["spec"]["template"]["spec"]
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["runAsUser"] == 10001
    assert spec["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    assert spec["automountServiceAccountToken"] is False
    sc = spec["containers"][0]["securityContext"]
    assert sc["allowPrivilegeEscalation"] is False
    assert sc["readOnlyRootFilesystem"] is True
    assert sc["capabilities"]["drop"] == ["ALL"]
    mounts = {m["mountPath"]: m["name"] for m in spec["containers"][0]["volumeMounts"]}
    assert "emptyDir" in next(v for v in spec["volumes"] if v["name"] == mounts["/tmp"])


@test
def resources_are_the_seed_defaults():
    r = one(render(), "Deployment")["spec"]["template"]["spec"]["containers"][0]["resources"]
    assert r == {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "200m", "memory": "256Mi"}}, r


@test
def pods_spread_over_zones():
    spec = one(render(), "Deployment")["spec"]["template"]["spec"]
    keys = [t["topologyKey"] for t in spec["topologySpreadConstraints"]]
    assert "topology.kubernetes.io/zone" in keys
    assert spec["affinity"]["podAntiAffinity"]
    prod = one(render(*env_values("prod")), "Deployment")["spec"]["template"]["spec"]
    zone = next(t for t in prod["topologySpreadConstraints"] if t["topologyKey"] == "topology.kubernetes.io/zone")
    assert zone["whenUnsatisfiable"] == "DoNotSchedule"


@test
def hpa_follows_the_seed_and_owns_the_replica_count():
    docs = render()
    hpa = one(docs, "HorizontalPodAutoscaler")["spec"]
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (2, 10)
    targets = {m["resource"]["name"]: m["resource"]["target"]["averageUtilization"] for m in hpa["metrics"]}
    assert targets == {"cpu": 70, "memory": 80}, targets
    # With no live Deployment (install, or helm template) it starts at the HPA minimum; on upgrade the
    # live count is kept (lookup), so a deploy never resets what the HPA chose.
    assert one(docs, "Deployment")["spec"]["replicas"] == 2
    assert one(render(*env_values("prod")), "Deployment")["spec"]["replicas"] == 3
    dep = one(render("--set", "autoscaling.enabled=false", "--set", "replicaCount=4"), "Deployment")
    assert dep["spec"]["replicas"] == 4
    assert "HorizontalPodAutoscaler" not in kinds(render("--set", "autoscaling.enabled=false"))


@test
def configmap_carries_the_seed_environment():
    cm = one(render(), "ConfigMap", "express-service")["data"]
    assert cm["LOG_LEVEL"] == "info" and cm["APP_PORT"] == "8080" and cm["API_BASE_URL"] == "http://api.local"
    assert "API_TOKEN_FILE" not in cm
    dep = one(render(), "Deployment")
    assert all("value" not in e for e in dep["spec"]["template"]["spec"]["containers"][0].get("env", []))
    assert one(render(*env_values("dev")), "ConfigMap", "express-service")["data"]["LOG_LEVEL"] == "debug"


@test
def secrets_are_referenced_never_inlined():
    docs = render(*env_values("dev"), "-f", f"{CHART}/ci/dev-values.yaml")
    assert "Secret" not in kinds(docs)
    spec = one(docs, "Deployment")["spec"]["template"]["spec"]
    vol = next(v for v in spec["volumes"] if v["name"] == "secrets")
    assert vol["secret"]["secretName"] == "express-service-dev"
    assert spec["imagePullSecrets"] == [{"name": "regcred"}]
    assert one(docs, "ConfigMap", "express-service")["data"]["API_TOKEN_FILE"] == "/var/run/secrets/app/API_TOKEN"
    es_docs = render(*env_values("staging"), "-f", f"{CHART}/ci/staging-values.yaml", namespace="staging")
    es = one(es_docs, "ExternalSecret")
    assert es["apiVersion"] == "external-secrets.io/v1beta1"
    assert es["spec"]["target"]["name"] == "express-service-secrets"
    assert es["spec"]["data"][0]["remoteRef"]["key"] == "staging/express-service/api"
    es = one(render(*env_values("staging"), "-f", f"{CHART}/ci/staging-values.yaml",
                    apis=["external-secrets.io/v1/ExternalSecret"]), "ExternalSecret")
    assert es["apiVersion"] == "external-secrets.io/v1"


@test
def service_account_has_irsa_role_and_no_token():
    sa = one(render(*env_values("prod"), "-f", f"{CHART}/ci/prod-values.yaml", namespace="prod"), "ServiceAccount")
    assert sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] == "arn:aws:iam::123456789012:role/express-service-prod"
    assert sa["automountServiceAccountToken"] is False
    assert "annotations" not in one(render(), "ServiceAccount")["metadata"]


@test
def role_is_least_privilege():
    docs = render()
    role = one(docs, "Role")
    assert role["rules"] == [{"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["express-service"],
                              "verbs": ["get"]}], role["rules"]
    binding = one(docs, "RoleBinding")
    assert binding["subjects"][0]["name"] == "express-service" and binding["roleRef"]["name"] == "express-service"
    assert "ClusterRole" not in kinds(docs)


@test
def pdb_keeps_a_pod():
    pdb = one(render(), "PodDisruptionBudget")["spec"]
    assert pdb["minAvailable"] == 1
    assert one(render(*env_values("prod")), "PodDisruptionBudget")["spec"]["minAvailable"] == 2


@test
def network_policy_denies_by_default_and_allows_ingress_monitoring_dns_and_api():
    np = one(render(), "NetworkPolicy", "express-service")["spec"]
    assert np["policyTypes"] == ["Ingress", "Egress"]
    sources = [p["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
               for rule in np["ingress"] for p in rule["from"] if "namespaceSelector" in p]
    assert sources == ["ingress-nginx", "monitoring"], sources
    egress_ports = sorted((p["port"], p["protocol"]) for rule in np["egress"] for p in rule["ports"])
    assert egress_ports == [(53, "TCP"), (53, "UDP"), (80, "TCP")], egress_ports
    prod = one(render(*env_values("prod"), "-f", f"{CHART}/ci/prod-values.yaml"), "NetworkPolicy", "express-service")["spec"]
    api = prod["egress"][1]
    assert api["ports"] == [{"port": 443, "protocol": "TCP"}] and api["to"] == [{"ipBlock": {"cidr": "10.20.0.0/16"}}]
    explicit = one(render("--set", "config.apiBaseUrl=http://orders:8081/v1"), "NetworkPolicy", "express-service")["spec"]
    assert explicit["egress"][1]["ports"][0]["port"] == 8081


@test
def ingress_is_optional_and_has_tls_in_prod():
    assert "Ingress" not in kinds(render())
    ing = one(render(*env_values("prod")), "Ingress")["spec"]
    assert ing["tls"][0]["secretName"] == "express-service-tls"
    assert ing["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] == "express-service"


@test
def monitoring_objects_need_their_crds_or_a_force():
    assert not {"ServiceMonitor", "PrometheusRule"} & set(kinds(render()))
    assert {"ServiceMonitor", "PrometheusRule"} <= set(kinds(render(apis=MONITORING_APIS)))
    forced = kinds(render("--set", "metrics.serviceMonitor.create=always", "--set", "metrics.prometheusRule.create=always"))
    assert {"ServiceMonitor", "PrometheusRule"} <= set(forced)
    never = kinds(render("--set", "metrics.serviceMonitor.create=never", apis=MONITORING_APIS))
    assert "ServiceMonitor" not in never
    sm = one(render(apis=MONITORING_APIS), "ServiceMonitor")["spec"]
    assert sm["endpoints"][0]["port"] == "http" and sm["endpoints"][0]["path"] == "/metrics"


@test
def alerts_cover_the_seed_thresholds():
    rule = one(render(apis=MONITORING_APIS), "PrometheusRule")
    alerts = {r["alert"]: r for g in rule["spec"]["groups"] for r in g["rules"]}
    expected = {"ExpressServiceHighErrorRate": "> 0.01", "ExpressServiceHighLatencyP95": "> 0.5",
                "ExpressServiceLowSuccessRate": "< 0.999", "ExpressServicePodRestarts": "> 5",
                "ExpressServiceHighCPU": "> 0.85", "ExpressServiceHighMemory": "> 0.9"}
    assert set(alerts) == set(expected), sorted(alerts)
    for name, threshold in expected.items():
        expr = alerts[name]["expr"]
        assert expr.rstrip().endswith(threshold), f"{name}: {expr}"
        assert 'namespace="dev"' in expr, expr
        assert alerts[name]["labels"]["severity"] in ("warning", "critical")
    assert 'service="express-service"' in alerts["ExpressServiceHighErrorRate"]["expr"]


@test
def dashboard_configmap_is_labelled_for_grafana_and_shows_the_golden_signals():
    cm = one(render(), "ConfigMap", "express-service-dashboard")
    assert cm["metadata"]["labels"]["grafana_dashboard"] == "1"
    board = json.loads(cm["data"]["express-service.json"])
    titles = " ".join(p["title"].lower() for p in board["panels"])
    for word in ("request rate", "error", "latency", "cpu", "memory"):
        assert word in titles, word
    exprs = " ".join(t["expr"] for p in board["panels"] for t in p["targets"])
    assert 'namespace="dev", service="express-service"' in exprs and "__" not in exprs
    other = json.loads(one(render(namespace="prod"), "ConfigMap", "express-service-dashboard")["data"]["express-service.json"])
    assert other["uid"] != board["uid"]


@test
def helm_test_hook_checks_readiness_and_is_restricted():
    pod = one(render(), "Pod")
    assert pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
    assert "/health/ready" in " ".join(pod["spec"]["containers"][0]["command"])
    assert pod["spec"]["containers"][0]["securityContext"]["allowPrivilegeEscalation"] is False
    assert pod["metadata"]["labels"]["app.kubernetes.io/component"] == "test"
    svc = one(render(), "Service")
    assert svc["spec"]["selector"]["app.kubernetes.io/component"] == "server"


def main():
    passed = failed = 0
    for fn in TESTS:
        try:
            fn()
            passed += 1
            print(f"ok   {fn.__name__}")
        except Exception as e:  # noqa: BLE001 - report every failure, keep going
            failed += 1
            detail = e.stderr if isinstance(e, subprocess.CalledProcessError) else traceback.format_exc(limit=2)
            print(f"FAIL {fn.__name__}: {e}\n{detail}")
    print(f"render: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
