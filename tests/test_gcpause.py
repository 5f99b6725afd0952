import gc

import pytest

from postlint.gcpause import no_cycle_collection


@pytest.fixture(autouse=True)
def restore_collector():
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_collector_is_off_inside_and_back_on_after_an_error():
    gc.enable()
    with pytest.raises(RuntimeError), no_cycle_collection():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    with no_cycle_collection():
        pass
    assert not gc.isenabled()
