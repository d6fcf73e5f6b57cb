from django.contrib.messages import get_messages
from django.urls import reverse

IDENTIFYING = "Jane Smith, DOB 03/04/1980, MRN 123456"


def url(name, group, *args, **query) -> str:
    path = reverse(f"board:{name}", args=[group.slug, *args])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def text_of(response) -> str:
    return " ".join(response.content.decode().split())
