"""Fixtures shared by the end-to-end tests."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
import pytest_twisted
from _pytest.python import pytest_pyfunc_call as call_test_function

from tests.support.corpus import BuiltCorpus, copy_corpus
from tests.support.crawl import build_corpus


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> object | None:
    """Plain test functions run outside the reactor, so that they can wait for a crawl on it.

    pytest-twisted calls every test from inside the running reactor, where
    :func:`tests.support.crawl.crawl_in_process` could not wait for the crawl;
    tests written for the reactor (coroutines, its decorators) are still its own.
    """
    function = pyfuncitem.obj
    if inspect.iscoroutinefunction(function) or pytest_twisted._get_mark(function):
        return None
    return call_test_function(pyfuncitem)


@pytest.fixture(scope="session")
def sample_corpus(tmp_path_factory: pytest.TempPathFactory) -> BuiltCorpus:
    """The corpus built from sample_pages/, once per test run (read it, do not change it)."""
    return build_corpus(tmp_path_factory.mktemp("sample") / "corpus")


@pytest.fixture
def sample_corpus_copy(sample_corpus: BuiltCorpus, tmp_path: Path) -> BuiltCorpus:
    """A copy of the sample corpus in ``tmp_path / "corpus"``, for a test to crawl into or change.

    Its ``crawls`` are the ones that built the sample corpus.
    """
    return BuiltCorpus(copy_corpus(sample_corpus.folder, tmp_path / "corpus"), sample_corpus.crawls)
