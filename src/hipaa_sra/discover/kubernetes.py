"""Kubernetes manifests: multi-document YAML or JSON, Helm-rendered output, `List` objects.

A workload (StatefulSet, Deployment, Pod, ...) is a data store when one of its container
images matches the mapping table's image rules (`postgres`, `redis`, ...); a replica when
its image or name says so (`redis-replica`, `gb-redisslave`). Secrets and persistent
volume claims are stores by kind. The address is `Kind/name`; the source key adds the
namespace (`default` when the manifest names none).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .errors import DiscoveryError
from .mapping import Table
from .model import Platform, Resource


def is_manifest(document: object) -> bool:
    """True if a parsed document looks like a Kubernetes object."""
    return isinstance(document, Mapping) and "kind" in document and "apiVersion" in document


def read_manifests(path: Path, documents: Iterable[Any], table: Table) -> Iterator[Resource]:
    """The objects of a manifest stream, with a category hint for workloads."""
    for number, document in enumerate(documents, 1):
        if document is None:
            continue  # an empty document between `---` lines (Helm writes them)
        if not is_manifest(document):
            raise DiscoveryError(
                path, f"document {number} is not a Kubernetes object (no `apiVersion` and `kind`)"
            )
        if document["kind"] == "List" or str(document["kind"]).endswith("List"):
            yield from read_manifests(path, document.get("items") or (), table)
            continue
        yield _resource(document, table)


def _resource(document: Mapping[str, Any], table: Table) -> Resource:
    kind = str(document["kind"])
    metadata = document.get("metadata") or {}
    name = str(metadata.get("name") or metadata.get("generateName") or "(unnamed)")
    namespace = str(metadata.get("namespace") or "default")
    hint = None
    if kind in table.kubernetes_workloads:
        hint = _category(name, _images(document), table)
    values = {
        "labels": metadata.get("labels") or {},
        "annotations": metadata.get("annotations") or {},
    }
    return Resource(Platform.KUBERNETES, f"{kind}/{name}", kind, values, namespace, hint=hint)


def _images(document: Mapping[str, Any]) -> list[str]:
    spec = document.get("spec") or {}
    for step in ("jobTemplate", "spec", "template", "spec"):
        if isinstance(spec, Mapping) and "containers" not in spec and step in spec:
            spec = spec.get(step) or {}
    containers = spec.get("containers") if isinstance(spec, Mapping) else None
    return [
        container["image"]
        for container in containers or ()
        if isinstance(container, Mapping) and isinstance(container.get("image"), str)
    ]


def _repository(image: str) -> str:
    """`registry.k8s.io/redis:e2e` -> `redis`: the image's own name, without registry or tag."""
    name = image.rsplit("/", 1)[-1]
    return name.split("@", 1)[0].split(":", 1)[0].lower()


def _category(name: str, images: list[str], table: Table) -> str | None:
    for image in images:
        repository = _repository(image)
        for rule in table.images:
            if any(part in repository for part in rule.contains):
                words = (repository, name.lower())
                if any(part in word for part in rule.replica_contains for word in words):
                    return "replica"
                return rule.category.value
    return None
