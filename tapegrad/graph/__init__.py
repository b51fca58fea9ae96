"""Graph mode. ``function`` currently executes eagerly (see function.py)."""
