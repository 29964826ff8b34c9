"""Deployment files are validated offline: compose by docker-compose, Kubernetes manifests against the
Kubernetes schema, the CI workflow against GitHub's workflow schema. Each check is also shown to fail
on a broken file, so a green run means the files were really checked."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

REPO = Path(__file__).resolve().parents[3]
DEPLOY = REPO / "deploy"
K8S = DEPLOY / "k8s"
K8S_VERSION = "1.33.0"
BIN = Path(sys.executable).parent
MANIFESTS = sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")


def docker_compose() -> str:
    found = shutil.which("docker-compose")
    assert found, (
        "docker-compose is missing: install the Debian package (apt-get install -y docker-compose); "
        "`make test` does that before running the suite"
    )
    return found


def compose_config(compose_file: Path, env_file: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [docker_compose(), "--env-file", str(env_file), "-f", str(compose_file), "config", "-q"],
        cwd=compose_file.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- docker-compose -----------------------------------------------------------------------------
def test_compose_file_is_valid():
    done = compose_config(REPO / "docker-compose.yml", REPO / ".env.example")
    assert done.returncode == 0, done.stderr


def test_compose_rejects_a_broken_file(tmp_path):
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    compose["services"]["api"]["restart"] = {"not": "a policy"}
    compose["services"]["api"]["healthcheck"]["interval"] = ["15s"]
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(yaml.safe_dump(compose))
    done = compose_config(broken, REPO / ".env.example")
    assert done.returncode != 0


def test_compose_refuses_to_start_without_secrets(tmp_path):
    env = tmp_path / "empty.env"
    env.write_text("LOG_LEVEL=INFO\n")
    done = compose_config(REPO / "docker-compose.yml", env)
    assert done.returncode != 0
    assert "DJANGO_SECRET_KEY" in done.stderr or "POSTGRES_PASSWORD" in done.stderr


def test_compose_services_are_supervised_and_migrate_once():
    services = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]
    expected = {"postgres", "redis", "migrate", "api", "worker", "beat", "workbench", "frontend"}
    assert expected <= set(services)
    for name, service in services.items():  # YAML merge keys (<<: *python) are resolved by the loader
        assert service.get("restart") in ("unless-stopped", "always", "no"), name
        if name != "migrate":
            assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    assert services["api"]["deploy"]["replicas"] == 2
    runs_migrate = [n for n, s in services.items() if "migrate" in " ".join(map(str, s.get("command", [])))]
    assert runs_migrate == ["migrate"]
    assert "-Q" in services["worker"]["command"] and "ml,default" in services["worker"]["command"]
    assert "./deploy/certs:/etc/nginx/certs:ro" in services["frontend"]["volumes"]


def test_nginx_terminates_tls_balances_api_and_sends_hsts():
    conf = (DEPLOY / "nginx" / "weft.conf").read_text()
    assert "upstream weft_api" in conf and "proxy_pass http://weft_api" in conf
    assert "ssl_certificate     /etc/nginx/certs/tls.crt" in conf
    assert "Strict-Transport-Security" in conf
    assert conf.count("{") == conf.count("}")


# --- Kubernetes ---------------------------------------------------------------------------------
def k8s_documents(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda p: p.name)
def test_k8s_manifest_matches_the_kubernetes_schema(manifest):
    documents = k8s_documents(manifest)
    assert documents
    for document in documents:
        kubernetes_validate.validate(document, K8S_VERSION, strict=True)


def test_k8s_covers_every_component():
    kinds = {(doc["kind"], doc["metadata"]["name"]) for manifest in MANIFESTS for doc in k8s_documents(manifest)}
    for name in ("weft-api", "weft-worker", "weft-beat", "weft-workbench", "weft-frontend"):
        assert ("Deployment", name) in kinds
    assert ("Ingress", "weft") in kinds and ("PersistentVolumeClaim", "weft-artifacts") in kinds
    assert ("HorizontalPodAutoscaler", "weft-api") in kinds
    beat = next(doc for doc in k8s_documents(K8S / "beat.yaml") if doc["kind"] == "Deployment")
    assert beat["spec"]["replicas"] == 1 and beat["spec"]["strategy"]["type"] == "Recreate"
    listed = yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]
    assert sorted(listed) == sorted(p.name for p in MANIFESTS)


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d["spec"].__setitem__("replicas", "two"),
        lambda d: d["spec"]["template"]["spec"]["containers"][0].__setitem__("imagePullPolicyy", "Always"),
        lambda d: d["spec"].pop("selector"),
    ],
    ids=["wrong-type", "unknown-field", "missing-required"],
)
def test_k8s_validation_rejects_a_broken_manifest(breakage):
    deployment = next(doc for doc in k8s_documents(K8S / "api.yaml") if doc["kind"] == "Deployment")
    breakage(deployment)
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSION, strict=True)


# --- GitHub Actions -----------------------------------------------------------------------------
def check_workflow(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_ci_workflow_is_valid():
    workflow = REPO / ".github" / "workflows" / "ci.yml"
    done = check_workflow(workflow)
    assert done.returncode == 0, done.stdout + done.stderr
    text = workflow.read_text()
    assert "make test" in text and "postgres" in text and "redis" in text
    assert "deploy/Dockerfile" in text and "deploy/frontend.Dockerfile" in text


def test_workflow_check_rejects_a_broken_workflow(tmp_path):
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "ci.yml").read_text())
    workflow["jobs"]["test"]["runs-on"] = {"wrong": ["shape"]}
    workflow["jobs"]["test"]["timeout-minutes"] = "soon"
    broken = tmp_path / "ci.yml"
    broken.write_text(yaml.safe_dump(workflow))
    assert check_workflow(broken).returncode != 0


# --- gunicorn -----------------------------------------------------------------------------------
def test_gunicorn_config_sizes_workers_from_cpus(monkeypatch):
    import multiprocessing
    import runpy

    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    values = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert values["workers"] == multiprocessing.cpu_count() * 2 + 1
    assert values["timeout"] > 0 and values["accesslog"] == "-"
    monkeypatch.setenv("GUNICORN_WORKERS", "5")
    assert runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["workers"] == 5
