from django.urls import path

from groups.views import documents, group, joining, manage, newcomers, resources, vetting
from groups.views import ground_rules as rules_views

app_name = "groups"

urlpatterns = [
    path("new/", group.group_create, name="create"),
    path("vetting/", vetting.queue, name="vetting_queue"),
    path("vetting/<int:pk>/", vetting.detail, name="vetting_detail"),
    path("invitations/<str:token>/", joining.invitation, name="invitation"),
    path("kept-documents/<int:pk>/", documents.kept, name="kept_document"),
    path(
        "kept-documents/<int:pk>/v<int:number>/",
        documents.kept_download,
        name="kept_document_download",
    ),
    path("<slug:slug>/join/", joining.join, name="join"),
    path("<slug:slug>/leave/", joining.leave, name="leave"),
    *(
        path(
            f"<slug:slug>/waitlist/{action}/",
            joining.waitlist_action,
            {"action": action},
            name=f"waitlist_{action}",
        )
        for action in ("accept", "decline", "leave")
    ),
    path("<slug:slug>/apply/", joining.apply, name="apply"),
    path("<slug:slug>/apply/withdraw/", joining.withdraw, name="withdraw"),
    path("<slug:slug>/members/", manage.manage_members, name="manage_members"),
    path(
        "<slug:slug>/members/<int:membership_id>/role/",
        manage.change_role,
        name="change_role",
    ),
    path(
        "<slug:slug>/members/<int:membership_id>/remove/",
        manage.remove_member,
        name="remove_member",
    ),
    path(
        "<slug:slug>/members/<int:membership_id>/hand-over/",
        manage.hand_over,
        name="hand_over",
    ),
    path("<slug:slug>/invite/", manage.invite, name="invite"),
    path("<slug:slug>/invite/<int:pk>/revoke/", manage.revoke_invitation, name="invitation_revoke"),
    path("<slug:slug>/questions/", manage.questions, name="questions"),
    path("<slug:slug>/audit/", manage.audit_log, name="audit"),
    path("<slug:slug>/ground-rules/", rules_views.accept_rules, name="accept_rules"),
    path("<slug:slug>/ground-rules/changes/", rules_views.rules_diff, name="rules_diff"),
    path("<slug:slug>/buddy/", newcomers.buddy, name="buddy"),
    path("<slug:slug>/resources/", resources.library, name="resources"),
    path("<slug:slug>/resources/<int:pk>/pin/", resources.pin, name="resource_pin"),
    path("<slug:slug>/resources/<int:pk>/remove/", resources.remove, name="resource_remove"),
    path("<slug:slug>/documents/", documents.library, name="documents"),
    path("<slug:slug>/documents/<int:pk>/", documents.document, name="document"),
    path(
        "<slug:slug>/documents/<int:pk>/v<int:number>/",
        documents.download,
        name="document_download",
    ),
    path("<slug:slug>/documents/<int:pk>/edit/", documents.edit, name="document_edit"),
    path(
        "<slug:slug>/documents/<int:pk>/new-version/",
        documents.new_version,
        name="document_new_version",
    ),
    path("<slug:slug>/documents/<int:pk>/remove/", documents.remove, name="document_remove"),
    path(
        "<slug:slug>/documents/<int:pk>/agreement/",
        documents.choose_agreement,
        name="document_agreement",
    ),
    path("<slug:slug>/agreement/", documents.accept_agreement, name="accept_agreement"),
    path("<slug:slug>/agreement/file/", documents.agreement_file, name="agreement_file"),
]
