"""Where a site admin looks a licence up: the licensing board's public search for the state
that issued it. A state whose boards share one search (most do) has one address for every
credential; elsewhere, and outside the states listed, a web search for the state's board and
the credential finds it.

The addresses are the boards' own public lookups, as published by each state; a board that
moves its search needs its line changed here."""

from urllib.parse import urlencode

from django.utils.translation import gettext as _

from members.enums import CredentialType

# State (as people write it, and its postal code) -> the public licence search.
STATE_LOOKUPS = {
    ("california", "ca"): "https://search.dca.ca.gov/",
    ("colorado", "co"): "https://apps.colorado.gov/dora/licensing/Lookup/LicenseLookup.aspx",
    ("florida", "fl"): "https://mqa-internet.doh.state.fl.us/MQASearchServices/HealthCareProviders",
    ("new york", "ny"): "https://eservices.nysed.gov/professions/verification-search",
    ("pennsylvania", "pa"): "https://www.pals.pa.gov/#/page/search",
    ("washington", "wa"): "https://fortress.wa.gov/doh/providercredentialsearch/",
}

# What the boards call each credential, for the search when no lookup is listed.
SEARCH_WORDS = {
    CredentialType.LCSW: "clinical social worker",
    CredentialType.LMFT: "marriage and family therapist",
    CredentialType.LPC: "professional counselor",
    CredentialType.LMHC: "mental health counselor",
    CredentialType.PSYCHOLOGIST: "psychologist",
    CredentialType.PSYCHIATRIST: "physician",
    CredentialType.PMHNP: "nurse practitioner",
    CredentialType.PRELICENSED: "associate therapist",
}


def _key(region: str) -> str:
    return " ".join(region.replace(".", " ").replace(",", " ").split()).casefold()


def lookup_for(region: str, credential_type: str) -> tuple[str, str]:
    """(address, what it is) of where to check a licence issued by ``region``."""
    key = _key(region or "")
    for names, url in STATE_LOOKUPS.items():
        if key in names:
            return url, _("The %(state)s licensing board's public search") % {
                "state": names[0].title()
            }
    words = SEARCH_WORDS.get(credential_type, "therapist")
    query = f"{region} {words} license verification lookup".strip()
    if region:
        label = _("A web search for the %(region)s board's licence lookup") % {"region": region}
    else:
        label = _("A web search for the state board's licence lookup")
    return f"https://duckduckgo.com/?{urlencode({'q': query})}", label
