import rules


@rules.predicate
def is_site_admin(user):
    return bool(user.is_authenticated and user.is_active and user.is_staff)


@rules.predicate
def is_profile_owner(user, profile):
    return profile is not None and user.is_authenticated and profile.user_id == user.pk


rules.add_perm("members.view_licence_number", is_profile_owner | is_site_admin)
rules.add_perm("members.change_therapistprofile", is_profile_owner)
rules.add_perm("members.verify_licence", is_site_admin)
