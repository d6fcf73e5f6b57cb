"""The consultations pages: the group's requests, one request with its replies, closing with
thanks, and calling a huddle. Members only (``groups.access.permission_required``)."""
