"""The model registry: immutable versions, a movable `champion` alias, artifacts on disk."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max

from core.errors import BusinessRuleViolation, NotFound

from .models import ModelAlias, ModelVersion

CHAMPION = "champion"


def data_fingerprint(frame: pd.DataFrame) -> str:
    """Same rows in the same order ⇒ same fingerprint (what the model was trained on)."""
    digest = hashlib.sha256()
    digest.update(",".join(map(str, frame.columns)).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).values.tobytes())
    return digest.hexdigest()


def artifact_root() -> Path:
    root = Path(settings.WEFT_ARTIFACT_DIR)
    root.mkdir(parents=True, exist_ok=True)
    return root


def model_register(
    *,
    name: str,
    algorithm: str,
    params: dict,
    metrics: dict,
    fingerprint: str,
    artifact_dir: Path,
    job=None,
    user=None,
    promote_if_first: bool = True,
) -> ModelVersion:
    """Move a trained model's files into the registry and record an immutable version."""
    for _ in range(5):
        try:
            with transaction.atomic():
                version = (ModelVersion.objects.filter(name=name).aggregate(v=Max("version"))["v"] or 0) + 1
                target = artifact_root() / name / f"v{version}"
                if target.exists():
                    shutil.rmtree(target)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copytree(artifact_dir, target)
                registered = ModelVersion.objects.create(
                    name=name,
                    version=version,
                    algorithm=algorithm,
                    params=params,
                    metrics=metrics,
                    data_fingerprint=fingerprint,
                    artifact_path=str(target),
                    job=job,
                    created_by=user if getattr(user, "is_authenticated", False) else None,
                )
                if promote_if_first and not ModelAlias.objects.filter(name=name, alias=CHAMPION).exists():
                    ModelAlias.objects.create(
                        name=name, alias=CHAMPION, version=registered, updated_by=registered.created_by
                    )
                return registered
        except IntegrityError:
            continue  # another worker registered the same version number first
    raise RuntimeError(f"could not register a version of {name}")


def champion(name: str) -> ModelVersion | None:
    alias = ModelAlias.objects.select_related("version").filter(name=name, alias=CHAMPION).first()
    return alias.version if alias else None


def champion_or_404(name: str) -> ModelVersion:
    version = champion(name)
    if version is None:
        raise NotFound(f"No {name} model has been trained yet.", code="no_model", fields={"model": [name]})
    return version


@transaction.atomic
def model_promote(*, version: ModelVersion, user=None) -> ModelAlias:
    alias = ModelAlias.objects.select_for_update().filter(name=version.name, alias=CHAMPION).first()
    actor = user if getattr(user, "is_authenticated", False) else None
    if alias is None:
        return ModelAlias.objects.create(name=version.name, alias=CHAMPION, version=version, updated_by=actor)
    if alias.version_id == version.pk:
        raise BusinessRuleViolation(
            f"{version} is already the champion.", code="already_champion", fields={"version": ["already champion"]}
        )
    alias.previous, alias.version, alias.updated_by = alias.version, version, actor
    alias.save()
    return alias


@transaction.atomic
def model_rollback(*, name: str, user=None) -> ModelAlias:
    """Point the champion back at the version it replaced; the next request uses it."""
    alias = ModelAlias.objects.select_for_update().filter(name=name, alias=CHAMPION).first()
    if alias is None or alias.previous is None:
        raise BusinessRuleViolation(
            f"{name} has no earlier champion to roll back to.",
            code="nothing_to_roll_back",
            fields={"name": ["no previous champion"]},
        )
    target = alias.previous
    earlier = ModelVersion.objects.filter(name=name, version__lt=target.version).order_by("-version").first()
    alias.version, alias.previous = target, earlier
    alias.updated_by = user if getattr(user, "is_authenticated", False) else None
    alias.save()
    return alias
