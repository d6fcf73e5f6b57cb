"""This app's rows of the authorization matrix (tests/test_authorization_matrix.py)."""

EXPECTED: dict = {}


def build(world) -> dict:
    """URL name -> the kwargs to open it with, from objects made in the matrix's world."""
    return {}
