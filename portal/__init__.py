"""Pages and commands that compose several apps.

The apps depend one way: ``members`` ← ``groups`` ← ``meetings`` ← ``presentations``. A page
that reads or writes more than one of them (the dashboard, the group and meeting pages, the
directory, the referral network, "my data" with export and account deletion) and the demo
seeder live here, above all four, so no app ever imports one above it. The contract is in
``.importlinter`` and ``tests/test_architecture.py`` runs it.
"""
