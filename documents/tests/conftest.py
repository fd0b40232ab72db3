import pytest


@pytest.fixture(autouse=True)
def seeded_templates(db) -> None:
    """The seed templates, as migration 0002 loads them: a browser test earlier in the run flushes the
    database (migrations' data with it), so each test here loads what is missing."""
    from documents.seeds import seed_templates_load

    seed_templates_load()
