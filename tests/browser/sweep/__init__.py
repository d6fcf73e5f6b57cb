"""The every-page sweep (tests/browser/test_every_page.py): the page inventory, the world it
visits and the checks it makes on each page."""
