"""Real-browser tests. Their fixtures (browser, page) live in the root conftest.py, shared with other apps."""
