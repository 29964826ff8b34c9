from pathlib import Path

from django.conf import settings

HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    """Leave out this folder's `postgres` tests on SQLite, as `make test-sqlite` does with -m.

    They race two connections for one roll; SQLite's in-memory test database cannot hold two
    writers, so there they would fail for a reason that has nothing to do with quality.
    """
    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    mine = [item for item in items if item.get_closest_marker("postgres") and HERE in Path(item.path).parents]
    if mine:
        config.hook.pytest_deselected(items=mine)
        items[:] = [item for item in items if item not in mine]
