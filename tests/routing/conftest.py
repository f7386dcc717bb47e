import pytest

from routing.engine import engine


@pytest.fixture(autouse=True)
def fresh_engine(settings):
    """Reload inline (the test's transaction is invisible to another thread) and start cold."""
    settings.ROUTING_BACKGROUND_RELOAD = False
    engine.reset()
    yield engine
    engine.reset()
