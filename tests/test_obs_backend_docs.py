"""docs/gitops.md and both pipeline examples give the OBS backend URL in the form that
tests/e2e/test_s3_backend.py runs against an S3-compatible server: endpoint, region and
path-style addressing, and the backend's keys in the AWS_* variables. Fast: reads files only."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.test_s3_backend import backend_env

REPO = Path(__file__).resolve().parents[1]
PLACES = ["docs/gitops.md", "examples/github-actions/modelarts.yml", "examples/gitlab-ci/.gitlab-ci.yml"]
URL = re.compile(r"s3://BUCKET\?\S+")


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


@pytest.mark.parametrize("place", PLACES)
def test_the_obs_backend_url_and_its_keys(place: str) -> None:
    text = (REPO / place).read_text()
    urls = URL.findall(text)
    assert urls, f"{place} shows no OBS backend URL"
    tested = set(query(backend_env("http://127.0.0.1:9000")["PULUMI_BACKEND_URL"]))
    for url in urls:
        given = query(url)
        assert set(given) == tested == {"endpoint", "region", "s3ForcePathStyle"}, url
        assert given["s3ForcePathStyle"] == "true"
        assert given["endpoint"] == f"https://obs.{given['region']}.myhuaweicloud.com", url
    assert "AWS_ACCESS_KEY_ID" in text and "AWS_SECRET_ACCESS_KEY" in text
