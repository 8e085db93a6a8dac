"""Fixtures for registration tests."""
from __future__ import annotations

import pytest


@pytest.fixture
def member(make_user):
    """A verified member in Ontario, English."""
    return make_user()
