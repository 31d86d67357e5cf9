"""The examples in the package's docstrings run and give what they say."""

import doctest
import importlib

import pytest


@pytest.mark.parametrize("module", ["casecurity.errors", "casecurity.data", "casecurity.outlets", "casecurity.coding"])
def test_docstring_examples(module):
    failures, tried = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert tried > 0, f"{module} has no examples to run"
    assert failures == 0
