"""The scaled-out topology's shared state: with Redis as the rate-limit store, several
app processes count one visitor's attempts together (here: two app instances)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from flask import Flask

from core.pacts import create_pact
from extensions import db
from tests.conftest import (
    TEST_REDIS_URL,
    build_app,
    csrf_from,
    form_data,
    redis_available,
    require_service,
)


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    require_service(redis_available(), "Redis (TEST_REDIS_URL)")
    prefix = f"greenpact-test-{uuid.uuid4().hex}"
    try:
        yield prefix
    finally:
        client = redis.Redis.from_url(TEST_REDIS_URL)
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)


def two_instances(sqlite_url: str, prefix: str) -> list[Flask]:
    settings: dict[str, Any] = {
        "RATELIMIT_STORAGE_URI": TEST_REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
        "REGISTRATION_ADDRESS_LIMIT": "2 per hour",
    }
    apps = [build_app(sqlite_url, **settings) for _n in range(2)]
    with apps[0].app_context():
        create_pact("ilfov", "Ilfov Pact", "Ilfov")
    return apps


def register(app: Flask, n: int) -> int:
    client = app.test_client()
    token = csrf_from(client.get("/p/ilfov/register").get_data(as_text=True))
    data = {
        **form_data(contact_email=f"p{n}@x.ro", registration_number=f"R{n}"),
        "csrf_token": token,
    }
    return client.post("/p/ilfov/register", data=data).status_code


def test_registration_limit_is_shared_between_app_instances_through_redis(
    sqlite_url: str, redis_prefix: str
):
    first, second = two_instances(sqlite_url, redis_prefix)
    assert register(first, 1) == 302
    assert register(second, 2) == 302
    assert register(first, 3) == 429
    assert register(second, 4) == 429
    for app in (first, second):
        with app.app_context():
            db.engine.dispose()
