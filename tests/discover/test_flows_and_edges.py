"""Proposed flows from references and values, and input shapes the public fixtures lack."""

from __future__ import annotations

import json
from pathlib import Path

from hipaa_sra.discover import discover

ENDPOINT = "records.abc123.us-east-1.rds.amazonaws.com:5432"


def test_function_environment_naming_a_database_in_a_state_is_a_flow(tmp_path: Path) -> None:
    state = {
        "version": 4,
        "terraform_version": "1.9.8",
        "resources": [
            {
                "mode": "managed",
                "type": "aws_db_instance",
                "name": "records",
                "instances": [{"attributes": {"identifier": "records", "endpoint": ENDPOINT}}],
            },
            {
                "mode": "managed",
                "type": "aws_lambda_function",
                "name": "reminders",
                "instances": [
                    {
                        "attributes": {
                            "function_name": "reminders",
                            "environment": [{"variables": {"DB_HOST": ENDPOINT}}],
                        }
                    }
                ],
            },
        ],
    }
    path = tmp_path / "terraform.tfstate"
    path.write_text(json.dumps(state))
    flows = discover([path]).flows
    assert [(f.source, f.target, f.confidence) for f in flows] == [
        ("terraform:aws_db_instance.records", "terraform:aws_lambda_function.reminders", "low")
    ]


def test_hcl_replica_and_environment_references(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text("""
resource "aws_db_instance" "primary" {
  identifier        = "primary"
  storage_encrypted = true
}
resource "aws_db_instance" "reporting" {
  identifier          = "reporting"
  replicate_source_db = aws_db_instance.primary.identifier
  storage_encrypted   = var.encrypt
}
resource "aws_lambda_function" "export" {
  function_name = "export"
  environment {
    variables = { DB = aws_db_instance.reporting.address }
  }
}
""")
    found = discover([tmp_path])
    stores = {s.source_key: s for s in found.tracked}
    assert stores["terraform:aws_db_instance.reporting"].category == "replica"
    # `var.encrypt` may be anything at apply time: unknown, never the default.
    assert stores["terraform:aws_db_instance.reporting"].attributes["encryption_at_rest"] == (
        "unknown"
    )
    assert stores["terraform:aws_db_instance.primary"].attributes["encryption_at_rest"] is True
    assert {(f.source, f.target) for f in found.flows} == {
        ("terraform:aws_db_instance.primary", "terraform:aws_db_instance.reporting"),
        ("terraform:aws_db_instance.reporting", "terraform:aws_lambda_function.export"),
    }


def test_cloudformation_unknown_intrinsics_and_agreeing_if(tmp_path: Path) -> None:
    path = tmp_path / "billing.yaml"
    path.write_text("""
AWSTemplateFormatVersion: 2010-09-09
Conditions:
  UseKms: !Equals [!Ref UseKms, "yes"]
Resources:
  Exports:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${AWS::StackName}-exports"
      BucketEncryption: !If
        - UseKms
        - ServerSideEncryptionConfiguration:
            - ServerSideEncryptionByDefault: {SSEAlgorithm: "aws:kms", KMSMasterKeyID: !Ref Key}
        - ServerSideEncryptionConfiguration:
            - ServerSideEncryptionByDefault: {SSEAlgorithm: AES256}
      AccessControl: !FutureFunction [a, b]
      Tags:
        - {Key: data-classification, Value: PHI}
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      StorageEncrypted: !If [UseKms, true, false]
      PubliclyAccessible: "false"
""")
    found = discover([path])
    stores = {s.source_key: s for s in found.stores}
    bucket = stores["cloudformation:billing/Exports"]
    assert bucket.attributes["encryption_at_rest"] is True  # both branches encrypt
    assert bucket.attributes["encryption_key"] == "unknown"
    assert bucket.attributes["publicly_accessible"] == "unknown"  # an unknown function
    assert bucket.ephi == "present"
    db = stores["cloudformation:billing/Db"]
    assert db.attributes["encryption_at_rest"] == "unknown"  # the branches disagree
    assert db.attributes["publicly_accessible"] is False


def test_helm_rendered_stream_and_list_objects(tmp_path: Path) -> None:
    path = tmp_path / "rendered.yaml"
    path.write_text("""---
# Source: chart/templates/db.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: records, namespace: clinical, labels: {example.com/data-classification: phi}}
spec:
  template:
    spec:
      containers: [{name: db, image: "docker.io/library/postgres:16@sha256:abc"}]
---
---
# Source: chart/templates/jobs.yaml
apiVersion: v1
kind: List
items:
  - apiVersion: batch/v1
    kind: CronJob
    metadata: {name: nightly}
    spec:
      jobTemplate:
        spec:
          template:
            spec:
              containers: [{name: dump, image: "bitnami/redis:7"}]
""")
    found = discover([path])
    stores = {s.source_key: s for s in found.stores}
    assert stores["kubernetes:clinical/StatefulSet/records"].category == "database"
    assert stores["kubernetes:clinical/StatefulSet/records"].ephi == "present"
    assert stores["kubernetes:default/CronJob/nightly"].category == "cache"
