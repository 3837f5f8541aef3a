"""The hackathon #11 demo that ``manage.py seed_demo`` builds, kept as data."""
