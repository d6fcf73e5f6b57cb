"""The presentations app's pages and the POST actions of the meeting page's run of show."""

from django.contrib import messages
from django.shortcuts import redirect

from config.errors import DomainError


def run_action(request, target, action, success: str):
    """Do one service call; show its refusal or the success message; back to ``target``, the
    page that holds the button (the meeting, the election), whichever page the POST came from.
    """
    try:
        action()
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect(target)
