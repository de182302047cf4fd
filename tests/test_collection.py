"""The collector pause of bulk reads leaves the garbage collector as it found it."""
import gc

import pytest

from tracker.engagement.collection import collector_paused


@pytest.fixture
def collector():
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def test_the_collector_is_paused_inside_and_running_again_after(collector):
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_still_resumes_the_collector(collector):
    gc.enable()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("a refused row")
    assert gc.isenabled()


def test_a_collector_paused_by_someone_else_stays_paused(collector):
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()
