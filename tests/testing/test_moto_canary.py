"""Canaries: the moto internals the fake relies on. A failure here after a moto upgrade names
the extension point that moved; fix pulumi_snapshots.testing before anything else."""

from __future__ import annotations

import gc
import inspect
import re
from collections.abc import MutableMapping
from typing import Any

import moto
import pytest

from pulumi_snapshots.testing import backends, elasticache_copy, fake_aws

ACCOUNT = "123456789012"
REGION = "us-east-1"


def test_moto_version_is_the_pinned_one() -> None:
    # The extension points below were checked against this version.
    assert moto.__version__ == "5.2.5"


def test_elasticache_still_lacks_copy_snapshot() -> None:
    from moto.elasticache.models import ElastiCacheBackend
    from moto.elasticache.responses import ElastiCacheResponse

    assert not elasticache_copy.installed()
    assert not hasattr(ElastiCacheResponse, "copy_snapshot")
    assert not hasattr(ElastiCacheBackend, "copy_snapshot")


def test_every_request_goes_through_base_response_call_action() -> None:
    from moto.core.responses import BaseResponse
    from moto.ec2.responses import EC2Response
    from moto.elasticache.responses import ElastiCacheResponse
    from moto.rds.responses import RDSResponse
    from moto.sts.responses import TokenResponse

    assert list(inspect.signature(BaseResponse.call_action).parameters) == ["self"]
    assert "self.call_action()" in inspect.getsource(BaseResponse._dispatch)
    assert "self.setup_class(" in inspect.getsource(BaseResponse._dispatch)
    for cls in (EC2Response, ElastiCacheResponse, RDSResponse, TokenResponse):
        for name in ("call_action", "_dispatch", "dispatch"):
            owner = next(k for k in cls.__mro__ if name in k.__dict__)
            assert owner is BaseResponse, f"{cls.__name__}.{name} is overridden by {owner}"
    # What the hook reads from a response object once setup_class has run.
    setup = inspect.getsource(BaseResponse.setup_class)
    for attribute in ("self.region =", "self.current_account =", "self.service_name"):
        assert attribute in setup or attribute in inspect.getsource(BaseResponse.__init__)
    assert callable(BaseResponse._get_action)


def test_response_methods_are_found_by_inspecting_the_class() -> None:
    from moto.core import utils

    class Probe:
        pass

    Probe.copy_snapshot = lambda self: None  # type: ignore[attr-defined]
    assert "copy_snapshot" in utils.method_names_from_class(Probe)


def test_service_exceptions_take_code_and_message() -> None:
    from moto.elasticache.exceptions import ElastiCacheException

    error = ElastiCacheException("InvalidSnapshotState", "busy")
    assert (error.code, error.message) == ("InvalidSnapshotState", "busy")


def test_elasticache_snapshot_model_and_backend() -> None:
    from moto.elasticache.models import ElastiCacheBackend, Snapshot

    parameters = set(inspect.signature(Snapshot.__init__).parameters) - {"self"}
    source = inspect.getsource(elasticache_copy.seed_snapshot)
    for parameter in parameters:
        assert f"{parameter}=" in source, f"seed_snapshot does not pass Snapshot({parameter}=)"
    backend = ElastiCacheBackend(REGION, ACCOUNT)
    assert type(backend.snapshots) is dict
    for method in ("tag_resource", "delete_all_tags_for_resource", "list_tags_for_resource"):
        assert callable(getattr(backend.tagging_service, method))
    sources = inspect.getsource(ElastiCacheBackend.iter_tagged_resources)
    assert "self.snapshots" in sources


def referrers(container: Any, owner: Any) -> list[Any]:
    return [
        r
        for r in gc.get_referrers(container)
        # An object whose attributes are stored inline is its own referrer.
        if r is not owner and r is not owner.__dict__ and not inspect.isframe(r)
    ]


def test_snapshot_mappings_the_fake_watches() -> None:
    from moto.ec2.models import ec2_backends
    from moto.elasticache.models import elasticache_backends
    from moto.rds.models import rds_backends

    from pulumi_snapshots.testing.lightsail.models import lightsail_backends

    with fake_aws():
        lightsail = lightsail_backends[ACCOUNT][REGION]
        for kind in backends.KINDS:
            backend_dict = kind.backend_dict()
            assert backend_dict is not None, kind
            backend = backend_dict[ACCOUNT][REGION]
            mapping = getattr(backend, kind.dict_attr)
            assert isinstance(mapping, MutableMapping), kind
            if type(mapping) is dict:
                # A built-in dict is replaced by a watching copy: nothing else may hold it.
                assert referrers(mapping, backend) == [], kind
            else:
                # Other mappings change class in place: that must be possible.
                assert type(mapping).__module__ != "builtins", kind
            del mapping
        assert type(ec2_backends[ACCOUNT][REGION].snapshots) is dict
        assert type(elasticache_backends[ACCOUNT][REGION].snapshots) is dict
        assert isinstance(lightsail.instance_snapshots, dict)
        # RDS keeps a second reference to cluster_snapshots (its resource map), which is why
        # it must be watched in place.
        rds = rds_backends[ACCOUNT][REGION]
        assert any(m is rds.cluster_snapshots for m in rds.resource_map.values())
        assert type(rds.cluster_snapshots).__module__ != "builtins"


def test_snapshot_models_have_the_state_attributes_the_fake_sets() -> None:
    from moto.ec2.models.elastic_block_store import Snapshot as Ec2Snapshot
    from moto.rds.models import DBClusterSnapshot

    assert isinstance(Ec2Snapshot.__dict__["progress"], property)
    assert "state" not in Ec2Snapshot.__dict__
    assert 'self.status = "completed"' in inspect.getsource(Ec2Snapshot.__init__)
    rds_init = inspect.getsource(DBClusterSnapshot.__init__)
    assert 'self.status = "available"' in rds_init
    assert "self.percent_progress = 100" in rds_init
    assert isinstance(DBClusterSnapshot.__dict__["db_cluster_snapshot_identifier"], property)


def test_backend_dicts_list_created_backends_without_creating_more() -> None:
    from moto.core.base_backend import AccountSpecificBackend, BackendDict

    assert issubclass(BackendDict, dict)
    assert issubclass(AccountSpecificBackend, dict)
    from moto.elasticache.models import elasticache_backends

    with fake_aws():
        assert dict(elasticache_backends) == {}
        elasticache_backends[ACCOUNT][REGION]
        assert [(a, list(dict.keys(r))) for a, r in dict.items(elasticache_backends)] == [
            (ACCOUNT, [REGION])
        ]


def test_server_machinery() -> None:
    from moto import backend_index
    from moto.core import request, responses, utils
    from moto.moto_server import werkzeug_app

    services = {service for service, pattern in backend_index.backend_url_patterns}
    assert {"ec2", "rds", "elasticache", "s3", "sts"} <= services
    assert all(isinstance(p, re.Pattern) for _, p in backend_index.backend_url_patterns)
    for name in ("DomainDispatcherApplication", "create_backend_app"):
        assert hasattr(werkzeug_app, name), name
    # What the fake's HTTP server and its direct dispatch (`testing.serving`, `.dispatch`)
    # take from moto's server.
    for name in (
        "PRESERVED_HEADER_NAMES_ENVIRON_KEY",
        "environ_key_for_header",
        "should_preserve_original_header_name",
    ):
        assert hasattr(request, name), name
    assert "callback" in inspect.signature(utils.convert_to_flask_response).parameters
    assert {"self", "host"} == set(
        inspect.signature(werkzeug_app.DomainDispatcherApplication.get_backend_for_host).parameters
    )
    assert "headerdict" in inspect.signature(responses.gen_amzn_requestid_long).parameters
    # A path starting with "/_fake/" must not be taken by moto's own routing.
    dispatcher = werkzeug_app.DomainDispatcherApplication(werkzeug_app.create_backend_app)
    assert dispatcher.get_service_from_path("/_fake/counts") == ("", "fake")


def test_s3_backend_calls_used_by_exports() -> None:
    from moto.s3.exceptions import MissingBucket
    from moto.s3.models import S3Backend

    backend = S3Backend(REGION, ACCOUNT)
    with pytest.raises(MissingBucket):
        backend.get_bucket("no-such-bucket-here")
    params = list(inspect.signature(S3Backend.put_object).parameters)
    assert params[:4] == ["self", "bucket_name", "key_name", "value"]
    bucket = backend.create_bucket("canary-bucket", REGION)
    backend.put_object("canary-bucket", "k", b"v")
    assert "k" in bucket.keys
    assert bucket.region_name == REGION


def test_mock_aws_resets_backends_and_sets_its_own_credentials() -> None:
    from moto.core.models import MockAWS

    assert "AWS_ACCESS_KEY_ID" in MockAWS().__dict__["_fake_creds"]
    assert "BackendDict.reset()" in inspect.getsource(MockAWS.reset)


def test_ec2_create_snapshots_still_ignores_exclusions_and_copied_tags() -> None:
    from moto.ec2.models import EC2Backend
    from moto.ec2.models.elastic_block_store import EBSBackend
    from moto.ec2.models.instances import Instance
    from moto.ec2.responses import EC2Response
    from moto.ec2.responses.elastic_block_store import ElasticBlockStore

    backend_source = inspect.getsource(EBSBackend.create_snapshots)
    assert "ExcludeDataVolumeIds" not in backend_source
    assert "CopyTagsFromSource" not in inspect.getsource(ElasticBlockStore.create_snapshots)
    assert isinstance(Instance.__dict__["get_block_device_mapping"], property)
    # The classes the fake patches are the ones requests reach.
    owner = next(k for k in EC2Backend.__mro__ if "create_snapshots" in k.__dict__)
    assert owner is EBSBackend
    owner = next(k for k in EC2Response.__mro__ if "create_snapshots" in k.__dict__)
    assert owner is ElasticBlockStore


def test_list_results_reach_serialized_unpaged() -> None:
    # The fake pages these results in BaseResponse.serialized: moto must not page them itself.
    from moto.core.responses import BaseResponse
    from moto.ec2.responses.elastic_block_store import ElasticBlockStore
    from moto.elasticache.models import ElastiCacheBackend
    from moto.rds.responses import RDSResponse

    assert "self.serialized(response)" in inspect.getsource(BaseResponse.call_action)
    # Wire parameters are read in setup_class, before call_action; the fake wraps that too.
    assert "self.parse_parameters(request)" in inspect.getsource(BaseResponse.setup_class)
    assert list(inspect.signature(BaseResponse.parse_parameters).parameters) == ["self", "request"]
    assert list(inspect.signature(BaseResponse.serialized).parameters) == ["self", "action_result"]
    assert "MaxResults" not in inspect.getsource(ElasticBlockStore.describe_snapshots)
    assert "MaxRecords" not in inspect.getsource(RDSResponse.describe_db_cluster_snapshots)
    backend_source = inspect.getsource(ElastiCacheBackend.describe_snapshots)
    assert backend_source.count("max_records") == 1  # the parameter, never used
