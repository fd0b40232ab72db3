"""FastSelect must be a drop-in for forms.Select: same options, same choice marked, text escaped."""

from __future__ import annotations

import re

from django import forms

from core.widgets import FastSelect

CHOICES = [("", "Any country"), ("FR", "France"), ("GB", "United Kingdom"), ("XX", "<script>Bad & co</script>")]


def options(html: str) -> list[tuple[str, bool, str]]:
    """(value, selected, label) of each <option>, whatever the spacing of Django's own templates."""
    found = re.findall(r'<option value="([^"]*)"([^>]*)>([^<]*(?:<(?!/option)[^<]*)*)</option>', html)
    return [(value, "selected" in extra, label.strip()) for value, extra, label in found]


def test_fast_select_marks_the_same_option_as_djangos_select():
    for chosen in ["", "GB", "XX", "ZZ", None]:
        fast = FastSelect(choices=CHOICES).render("country", chosen, attrs={"id": "id_country"})
        slow = forms.Select(choices=CHOICES).render("country", chosen, attrs={"id": "id_country"})
        assert options(fast) == options(slow), chosen
        assert fast.startswith('<select name="country" id="id_country">') or fast.startswith(
            '<select id="id_country" name="country">'
        )
    assert [o for o in options(FastSelect(choices=CHOICES).render("c", "GB")) if o[1]] == [
        ("GB", True, "United Kingdom")
    ]


def test_fast_select_escapes_labels_and_values_and_does_not_leak_a_choice_between_renders():
    widget = FastSelect(choices=CHOICES)
    html = widget.render("country", "XX")
    assert "<script>" not in html and "&lt;script&gt;Bad &amp; co&lt;/script&gt;" in html
    assert [o[0] for o in options(widget.render("country", "FR")) if o[1]] == ["FR"]  # no choice cached
