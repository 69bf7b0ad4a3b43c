"""Readers on real public files: the expected inventories were written by reading each file
(and SOURCES.md beside them), not by running the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from hipaa_sra.discover import Discovery, DiscoveryError, discover

from .conftest import IAC

PLAN = IAC / "checkov/tests/terraform/runner/resources"


def stores(discovery: Discovery) -> dict[str, tuple[str, dict[str, object]]]:
    """source key -> (category, facts that are stated)."""
    return {
        s.source_key: (
            s.category,
            {k: v for k, v in s.attributes.items() if v not in ("unknown", None)},
        )
        for s in discovery.stores
    }


def test_checkov_terragoat_plan_055_resources() -> None:
    found = discover([PLAN / "plan/tfplan.json"])
    got = stores(found)
    assert found.inputs[0].format_version == "0.1"
    assert found.inputs[0].resources == 55
    assert set(got) == {
        "terraform:aws_db_instance.default",
        "terraform:aws_neptune_cluster.default",
        "terraform:aws_neptune_cluster_instance.default[0]",
        "terraform:aws_neptune_cluster_snapshot.default",
        "terraform:aws_ebs_volume.web_host_storage",
        "terraform:aws_ebs_snapshot.example_snapshot",
        "terraform:aws_elasticsearch_domain.monitoring-framework",
        *(
            f"terraform:aws_s3_bucket.{name}"
            for name in ("data", "logs", "data_science", "financials", "operations", "flowbucket")
        ),
    }
    db = got["terraform:aws_db_instance.default"]
    assert db[0] == "database"
    assert db[1]["encryption_at_rest"] is False
    assert db[1]["publicly_accessible"] is True
    assert db[1]["backup_retention_days"] == 0
    assert db[1]["logging"] is False
    neptune = got["terraform:aws_neptune_cluster.default"][1]
    assert neptune["encryption_at_rest"] is False
    assert neptune["backup_retention_days"] == 5
    assert neptune["iam_database_authentication"] is False
    assert got["terraform:aws_neptune_cluster_instance.default[0]"][0] == "replica"
    assert got["terraform:aws_neptune_cluster_snapshot.default"][0] == "snapshot-backup"
    # "known after apply" stays unknown: the EBS volume's encryption is not a guess.
    assert "encryption_at_rest" not in got["terraform:aws_ebs_volume.web_host_storage"][1]
    assert (
        "encryption_at_rest"
        not in got["terraform:aws_elasticsearch_domain.monitoring-framework"][1]
    )
    assert got["terraform:aws_s3_bucket.data"][1]["publicly_accessible"] is True
    assert got["terraform:aws_s3_bucket.logs"][1]["encryption_at_rest"] is True
    assert got["terraform:aws_s3_bucket.data_science"][1]["logging"] is True
    assert found.other_resources == 55 - 13  # IAM, VPC, EC2, EKS, the lambda, the S3 object...
    assert found.unknown_types == {}


def test_nested_modules_and_joined_public_access() -> None:
    found = discover([PLAN / "plan_nested_child_modules_with_connections/tfplan.json"])
    got = stores(found)
    assert set(got) == {
        "terraform:aws_s3_bucket.root_bucket",
        "terraform:module.s3_bucket.aws_s3_bucket.this[0]",
        "terraform:module.s3_module.aws_s3_bucket.module_bucket",
        "terraform:module.s3_module.module.s3_submodule.aws_s3_bucket.submodule_bucket",
    }
    public = {key for key, (_, facts) in got.items() if facts.get("publicly_accessible")}
    assert public == {"terraform:module.s3_bucket.aws_s3_bucket.this[0]"}
    address = {s.address for s in found.stores}
    assert "module.s3_bucket.aws_s3_bucket.this[0]" in address


def test_two_levels_of_modules_and_no_stores() -> None:
    found = discover([PLAN / "plan_nested_child_modules/tfplan.json"])
    assert found.stores == []
    assert found.other_resources == 3


def test_utf16_and_minified_utf8_give_the_same_result() -> None:
    base = IAC / "checkov/tests/terraform/parser/resources/plan_encodings"
    utf16 = discover([base / "tfplan_win_utf16.json"])
    utf8 = discover([base / "tfplan_win_utf8.json"])
    assert stores(utf16) == stores(utf8)
    assert list(stores(utf8)) == ["terraform:aws_s3_bucket.data"]


def test_registry_and_local_modules_log_groups() -> None:
    found = discover(
        [
            IAC / "checkov/tests/common/runner_registry/"
            "plan_with_tf_modules_for_enrichment/tfplan.json"
        ]
    )
    got = stores(found)
    assert got == {
        "terraform:module.log_group_external.aws_cloudwatch_log_group.this[0]": (
            "audit-log",
            {"encryption_at_rest": True, "log_retention_days": 0},
        ),
        "terraform:module.log_group_local.aws_cloudwatch_log_group.not_encrypted": (
            "audit-log",
            {"encryption_at_rest": True, "log_retention_days": 30},
        ),
    }


def test_replacement_is_kept_and_secret_is_a_store() -> None:
    found = discover([PLAN / "plan_with_deleted_resources/tfplan.json"])
    assert stores(found) == {
        "terraform:aws_secretsmanager_secret.default": (
            "secrets-store",
            {"encryption_at_rest": True},
        ),
    }


def test_gcp_plan() -> None:
    found = discover(
        [IAC / "terraform-validator/test/read_planned_assets/tf1_0plan.allcoverage.json"]
    )
    got = stores(found)
    assert got["terraform:google_sql_database_instance.my-test-sql"][0] == "database"
    assert got["terraform:google_storage_bucket.my-test-bucket"][1]["logging"] is False
    assert set(got) == {
        "terraform:google_sql_database_instance.my-test-sql",
        "terraform:google_storage_bucket.my-test-bucket",
        "terraform:google_compute_disk.my-disk-resource",
    }
    assert found.inputs[0].format_version == "0.2"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("aws_db_instance", {"terraform:aws_db_instance.default": "database"}),
        ("aws_rds_cluster", {"terraform:aws_rds_cluster.postgresql": "database"}),
        (
            "aws_dynamodb_table",
            {
                "terraform:aws_dynamodb_table.basic-dynamodb-table": "database",
                "terraform:aws_dynamodb_table.example": "database",
            },
        ),
        ("aws_cloudtrail", {"terraform:aws_cloudtrail.testtrailtrail": "audit-log"}),
        (
            "aws_s3_full",
            {
                f"terraform:aws_s3_bucket.{b}": "object-storage"
                for b in ("bucket", "bucket2", "bucket3")
            },
        ),
    ],
)
def test_driftctl_states(name: str, expected: dict[str, str]) -> None:
    found = discover([IAC / f"driftctl/pkg/iac/terraform/state/test/{name}/terraform.tfstate"])
    assert {key: category for key, (category, _) in stores(found).items()} == expected
    assert found.inputs[0].kind.value == "terraform-state"


def test_state_facts_rds_cluster() -> None:
    found = discover(
        [IAC / "driftctl/pkg/iac/terraform/state/test/aws_rds_cluster/terraform.tfstate"]
    )
    facts = stores(found)["terraform:aws_rds_cluster.postgresql"][1]
    assert facts["encryption_at_rest"] is False
    assert facts["backup_retention_days"] == 5
    assert facts["logging"] is False
    assert facts["deletion_protection"] is False


def test_state_without_stores_and_plain_null_plan() -> None:
    assert (
        discover([IAC / "terraform-json/testdata/110_sensitive_values/terraform.tfstate"]).stores
        == []
    )
    found = discover([IAC / "terraform-json/testdata/120_basic/plan.json"])
    assert found.stores == [] and found.inputs[0].format_version == "1.1"


def test_show_json_of_a_state_reads_its_values_tree() -> None:
    found = discover([PLAN / "plan/corrupted-tfplan.json"])
    assert found.stores == []
    assert found.unknown_types == {"test_instance": 1}


def test_invalid_plan_names_file_and_line() -> None:
    path = IAC / "terraform-json/testdata/invalid/plan.json"
    with pytest.raises(DiscoveryError) as caught:
        discover([path])
    assert caught.value.line == 676
    assert str(path) in caught.value.render()


def test_terragoat_hcl_keeps_unknowns() -> None:
    found = discover([IAC / "terragoat/terraform/aws"])
    got = stores(found)
    assert len([k for k in got if k.startswith("terraform:aws_rds_cluster.")]) == 9
    assert got["terraform:aws_rds_cluster.app1-rds-cluster"][1]["backup_retention_days"] == 0
    assert got["terraform:aws_rds_cluster.app7-rds-cluster"][1]["backup_retention_days"] == 25
    db = got["terraform:aws_db_instance.default"][1]
    assert db["encryption_at_rest"] is False and db["publicly_accessible"] is True
    buckets = {k for k in got if k.startswith("terraform:aws_s3_bucket.")}
    assert buckets == {
        f"terraform:aws_s3_bucket.{b}"
        for b in ("data", "financials", "operations", "data_science", "logs", "flowbucket")
    }
    # `backend "s3"` in providers.tf is not a bucket; the bucket names come from locals.
    assert all(s.name == s.address for s in found.stores if s.type == "aws_s3_bucket")


def test_cloudformation_encryption_pairs() -> None:
    path = IAC / "checkov/tests/cloudformation/graph/graph_builder/resources/encryption/test.json"
    got = stores(discover([path]))
    for key, (_, facts) in got.items():
        logical = key.split("/", 1)[1]
        if logical.startswith("Unencrypted") and logical not in (
            "UnencryptedEC2Volume2",
            "UnencryptedS3Bucket",
            "UnencryptedSQSQueue",
            "UnencryptedCloudTrailTrail",
        ):
            assert facts.get("encryption_at_rest") is False, key
        if logical.startswith("Encrypted"):
            assert facts.get("encryption_at_rest") is True, key
    # No Encrypted property: EBS follows an account setting, so it stays unknown.
    assert "encryption_at_rest" not in got["cloudformation:test/UnencryptedEC2Volume2"][1]
    assert got["cloudformation:test/UnencryptedEC2Volume"][1]["encryption_at_rest"] is False


def test_cloudformation_yaml_short_forms_and_strings() -> None:
    base = IAC / "checkov/tests/cloudformation/checks/resource/aws"
    fail = stores(discover([base / "example_BackupVaultEncrypted/FAIL.yaml"]))
    assert next(iter(fail.values()))[0] == "snapshot-backup"
    logging = stores(
        discover([base / "example_ElasticsearchDomainLogging/OpensearchDomainLogging-FAILED.yaml"])
    )
    assert next(iter(logging.values()))[1]["logging"] is False
    aurora = stores(discover([base / "example_RDSEncryption/RDSEncryption-UNKNOWN.yaml"]))
    assert all("encryption_at_rest" not in facts for _, facts in aurora.values())


def test_cloudformation_dms_template() -> None:
    path = IAC / (
        "aws-cloudformation-templates/aws/services/DMS/"
        "DMSAuroraToS3FullLoadAndOngoingReplication.json"
    )
    found = discover([path])
    got = stores(found)
    stack = "DMSAuroraToS3FullLoadAndOngoingReplication"
    assert {k: c for k, (c, _) in got.items()} == {
        f"cloudformation:{stack}/AuroraCluster": "database",
        f"cloudformation:{stack}/AuroraDB": "replica",
        f"cloudformation:{stack}/S3Bucket": "object-storage",
    }
    # Restored from a snapshot: the snapshot decides encryption, so it is unknown.
    assert "encryption_at_rest" not in got[f"cloudformation:{stack}/AuroraCluster"][1]
    assert got[f"cloudformation:{stack}/AuroraDB"][1]["publicly_accessible"] is True


def test_kubernetes_manifests() -> None:
    base = IAC / "kubernetes-examples"
    found = discover(
        [
            base / "web/guestbook/all-in-one/guestbook-all-in-one.yaml",
            base / "databases/cassandra/cassandra-statefulset.yaml",
            IAC / "checkov/tests/kubernetes/checks/example_Secrets/"
            "pod-secretEnvironment-FAILED.yaml",
        ]
    )
    assert {k: c for k, (c, _) in stores(found).items()} == {
        "kubernetes:default/Deployment/redis-master": "cache",
        "kubernetes:default/Deployment/redis-replica": "replica",
        "kubernetes:default/StatefulSet/cassandra": "database",
        "kubernetes:default/Secret/backend-user": "secrets-store",
        "kubernetes:default/Secret/db-user": "secrets-store",
        "kubernetes:default/Secret/test-secret": "secrets-store",
    }
    assert {s.address for s in found.stores} >= {"StatefulSet/cassandra", "Secret/db-user"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"format_version": "2.0", "resource_changes": []}', "format_version '2.0'"),
        (b'{"format_version": "1.2", "resource_changes": [', "not valid JSON"),
        (b'{"version": 3, "modules": []}', "state version 3"),
        (b"Resources:\n  A: !Ref [unclosed\n", "not valid YAML"),
        (b"a: &x [1]\nb: *x\n", "aliases"),
        (b"just: text\n", "not an input"),
        (b"", "empty"),
        (b"\xff\xfe{\x00", "not valid"),
        (b"Resources:\n  A:\n    Properties: {}\n", "has no `Type`"),
    ],
)
def test_bad_input_is_a_message(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "input.json"
    path.write_bytes(content)
    with pytest.raises(DiscoveryError) as caught:
        discover([path])
    assert message in caught.value.render()
    assert caught.value.render().startswith(str(path))
