"""This app's rows of the authorization matrix (tests/test_authorization_matrix.py).

Saved searches are their owner's alone (the member's here): 404 to everyone else, site admins
included. Anyone signed in keeps their own list and saves searches; the one-click unsubscribe
is for whoever has the link (the token names the person and the searches)."""

from alerts import services
from alerts.notifications import unsubscribe_token


def _expected() -> dict:
    # Imported here: the matrix imports this module while it is itself being imported.
    from tests.test_authorization_matrix import GET, LOGIN, _everyone, public, signed_in

    the_owners_alone = _everyone(404, anonymous=LOGIN, member=200)
    return {
        "alerts:list": (GET, signed_in()),
        "alerts:save": (GET, signed_in()),
        "alerts:edit": (GET, the_owners_alone),
        "alerts:remove": (GET, the_owners_alone),
        "alerts:unsubscribe": (GET, public()),
    }


EXPECTED: dict = _expected()


def build(world) -> dict:
    """URL name -> the kwargs to open it with: the member's saved search."""
    member = world["users"]["member"]
    search = services.save_search(
        actor=member, data={"venue_kind": "online"}, name="Online", frequency="weekly"
    )
    on_search = {"pk": search.pk}
    return {
        "alerts:list": {},
        "alerts:save": {},
        "alerts:edit": on_search,
        "alerts:remove": on_search,
        "alerts:unsubscribe": {"token": unsubscribe_token(member.pk, [search.pk])},
    }
