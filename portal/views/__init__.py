"""Pages composed of several apps, one module per area (see portal/urls.py)."""
