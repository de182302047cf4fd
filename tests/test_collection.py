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


def test_a_request_runs_with_the_collector_paused_and_resumes_it(collector):
    from flask import Flask

    from tracker.engagement.collection import paused_during_requests

    app = Flask(__name__)
    paused_during_requests(app)
    seen = []

    @app.get("/page")
    def page():
        seen.append(gc.isenabled())
        return "ok"

    @app.get("/broken")
    def broken():
        seen.append(gc.isenabled())
        raise ValueError("a bug in a view")

    gc.enable()
    client = app.test_client()
    assert client.get("/page").status_code == 200
    assert gc.isenabled()
    assert client.get("/broken").status_code == 500
    assert gc.isenabled()
    assert seen == [False, False]


def test_the_app_pauses_the_collector_for_its_requests(app, session, collector):
    from flask import g

    gc.enable()
    with app.test_request_context("/"):
        app.preprocess_request()
        assert not gc.isenabled() and g.collector_was_enabled
        app.do_teardown_request()
    assert gc.isenabled()
