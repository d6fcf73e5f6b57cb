import rules

from meetings.rules import is_meeting_manager


@rules.predicate
def is_presenter(user, presentation):
    return presentation is not None and presentation.presenter_id == user.pk


@rules.predicate
def flagged_recognition(user, presentation):
    return bool(getattr(presentation, "flagged_by_me", False))


@rules.predicate
def case_purged(user, presentation):
    return presentation is not None and presentation.case_purged_at is not None


# Members see case details unless they flagged that they may know the client. The view has
# already scoped the presentation to the group's members.
rules.add_perm("presentations.view_case", ~flagged_recognition & ~case_purged)
rules.add_perm("presentations.change_presentation", is_presenter)
rules.add_perm("presentations.manage_slots", is_meeting_manager)
